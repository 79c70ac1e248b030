package org.medvlm.model.vlm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link MedVlm#freezeTextEncoder} freezes the text side's adapters too and leaves the image side's alone. */
class FreezeTextEncoderTest {
  @Test
  void onlyTheTextEncoderStopsLearning() {
    MedVlm m = new MedVlm(MedVlmConfig.named(MedVlmConfig.SMALL, 64, MedVlmConfig.pretrainedVocabSize(MedVlmConfig.SMALL), 1));
    m.freezeEncoders(false);
    long textBefore = ParameterCount.of(m.textEncoder()).trainable();
    long imageBefore = ParameterCount.of(m.imageEncoder()).trainable();
    long allBefore = ParameterCount.of(m).trainable();
    assertTrue(textBefore > 0, "the text encoder's LoRA adapters train by default");
    m.freezeTextEncoder();
    assertEquals(0, ParameterCount.of(m.textEncoder()).trainable(), "no text parameter trains");
    assertEquals(imageBefore, ParameterCount.of(m.imageEncoder()).trainable(), "the image encoder's adapters still train");
    assertEquals(allBefore - textBefore, ParameterCount.of(m).trainable(), "the mixer, decoder and prompt head still train");
  }
}
