package org.medvlm.train;

import java.util.Locale;

/**
 * How the learning rate moves over a run: {@code constant}, or {@code cosine}: a linear warm-up
 * over the first 5% of the steps, then a half cosine down to zero at the last step (as ViT and
 * SAM were trained). A function of the global step only, so a resumed run replays exactly.
 */
public enum LearningRateSchedule {
  CONSTANT,
  COSINE;

  /** Share of the steps spent warming up under {@link #COSINE}. */
  public static final double WARMUP_SHARE = 0.05;

  public static LearningRateSchedule named(String name) {
    return switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "constant" -> CONSTANT;
      case "cosine" -> COSINE;
      default -> throw new IllegalArgumentException("unknown learning-rate schedule '" + name + "' (available: constant, cosine)");
    };
  }

  /** The factor on the base learning rate at {@code step} (0-based) of {@code total} steps. */
  public double factor(long step, long total) {
    if (this == CONSTANT || total <= 1) return 1;
    long warmup = Math.max(1, Math.round(WARMUP_SHARE * total));
    if (step < warmup) return (step + 1) / (double) warmup;
    double progress = (step - warmup) / (double) Math.max(1, total - warmup);
    return 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)));
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
