package org.medvlm.model.vlm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The named variants land within 15% of the study's parameter counts (SPEC section 4). */
class MedVlmSizeTest {
  private static ParameterCount count(String variant) {
    MedVlm m = new MedVlm(MedVlmConfig.named(variant, 224, MedVlmConfig.pretrainedVocabSize(variant), 1));
    m.freezeEncoders(false);
    ParameterCount c = ParameterCount.of(m);
    System.out.printf("%s: trainable %,d frozen %,d total %,d%n", variant, c.trainable(), c.frozen(), c.total());
    return c;
  }

  private static void near(double expected, long actual, String what) {
    assertEquals(expected, actual, 0.15 * expected, what + " " + actual + " not within 15% of " + expected);
  }

  @Test
  void largeMatchesTheStudy() {
    ParameterCount c = count(MedVlmConfig.LARGE);
    near(53e6, c.trainable(), "trainable");
    near(194e6, c.frozen(), "frozen");
    near(247e6, c.total(), "total");
  }

  @Test
  void smallMatchesTheStudy() {
    ParameterCount c = count(MedVlmConfig.SMALL);
    near(2.9e6, c.trainable(), "trainable");
    near(28e6, c.frozen(), "frozen");
    near(31e6, c.total(), "total");
  }
}
