package org.medvlm.infer;

import org.medvlm.train.Trainer;

/** A class of the prediction floor that uses training: what ArchitectureTest must refuse. Test code only. */
public final class UpwardImportFixture {
  private UpwardImportFixture() {}

  static Class<?> upwards() {
    return Trainer.class;
  }
}
