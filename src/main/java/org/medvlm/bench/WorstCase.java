package org.medvlm.bench;

import ai.djl.ndarray.index.NDIndex;
import org.medvlm.model.vlm.MedVlm;

/** A benchmark's switch on an untrained model, so that it measures the worst case rather than an arbitrary one. */
final class WorstCase {
  private WorstCase() {}

  /**
   * Makes the presence score say "present" for every pair (its output bias +20), so inference
   * upsamples every pair, the worst case; an untrained model would otherwise skip an arbitrary
   * share of them. On an initialised model.
   */
  static void presumeEveryOrganPresent(MedVlm model) {
    model.decoder().presenceBias().getArray().set(new NDIndex("..."), 20f);
  }
}
