package org.medvlm.train;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {
  @Test
  void cosineWarmsUpLinearlyThenFallsToZero() {
    LearningRateSchedule c = LearningRateSchedule.COSINE;
    long total = 1000; // warm-up: the first 50 steps
    assertEquals(1 / 50.0, c.factor(0, total), 1e-12);
    assertEquals(0.5, c.factor(24, total), 1e-12);
    assertEquals(1.0, c.factor(49, total), 1e-12);
    assertEquals(1.0, c.factor(50, total), 1e-12);
    assertEquals(0.5, c.factor(50 + 475, total), 1e-12, "half-way through the decay");
    assertEquals(0.0, c.factor(1000, total), 1e-12);
    assertTrue(c.factor(999, total) < 1e-4);
    for (long s = 51; s < total; s++) assertTrue(c.factor(s, total) <= c.factor(s - 1, total), "falls monotonically after the warm-up: step " + s);
  }

  @Test
  void wsdWarmsUpHoldsTheRateThenFallsLinearlyOverTheLastQuarter() {
    LearningRateSchedule w = LearningRateSchedule.WSD;
    long total = 1000; // warm-up: the first 50 steps; decay: the last 250
    assertEquals(1 / 50.0, w.factor(0, total), 1e-12);
    assertEquals(1.0, w.factor(49, total), 1e-12);
    for (long s = 50; s <= 750; s++) assertEquals(1.0, w.factor(s, total), 1e-12, "stable at step " + s);
    assertEquals(0.5, w.factor(875, total), 1e-12, "half-way through the decay");
    assertEquals(1 / 250.0, w.factor(999, total), 1e-12, "the last step still learns a little");
    assertEquals(0.0, w.factor(1000, total), 1e-12);
    for (long s = 751; s < total; s++) assertTrue(w.factor(s, total) < w.factor(s - 1, total), "falls at step " + s);
    assertEquals(LearningRateSchedule.WSD, LearningRateSchedule.named("WSD"));
  }

  @Test
  void constantIsOneAndNamesParse() {
    for (long s = 0; s < 10; s++) assertEquals(1.0, LearningRateSchedule.CONSTANT.factor(s, 10));
    assertEquals(LearningRateSchedule.COSINE, LearningRateSchedule.named(" Cosine "));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.named("step"));
    assertTrue(e.getMessage().contains("constant, cosine, wsd"), e.getMessage());
  }
}
