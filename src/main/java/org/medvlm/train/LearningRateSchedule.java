package org.medvlm.train;

import java.util.Locale;

/**
 * How the learning rate moves over a run: {@code constant}; {@code cosine}: a linear warm-up
 * over the first 5% of the steps, then a half cosine down to zero at the last step (as ViT and
 * SAM were trained); {@code wsd} (warm-up, stable, decay): the same warm-up, the full rate until
 * the last 25% of the steps, then a straight line down to zero, so organs that are learnt late
 * still learn at the full rate while the last epochs settle. A function of the global step only,
 * so a resumed run replays exactly.
 */
public enum LearningRateSchedule {
  CONSTANT,
  COSINE,
  WSD;

  /** Share of the steps spent warming up under {@link #COSINE} and {@link #WSD}. */
  public static final double WARMUP_SHARE = 0.05;

  /** Share of the steps, at the end, over which {@link #WSD} decays to zero. */
  public static final double DECAY_SHARE = 0.25;

  public static LearningRateSchedule named(String name) {
    return switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "constant" -> CONSTANT;
      case "cosine" -> COSINE;
      case "wsd" -> WSD;
      default -> throw new IllegalArgumentException("unknown learning-rate schedule '" + name + "' (available: constant, cosine, wsd)");
    };
  }

  /** The factor on the base learning rate at {@code step} (0-based) of {@code total} steps. */
  public double factor(long step, long total) {
    if (this == CONSTANT || total <= 1) return 1;
    long warmup = Math.max(1, Math.round(WARMUP_SHARE * total));
    if (step < warmup) return (step + 1) / (double) warmup;
    if (this == WSD) {
      long decay = Math.max(1, Math.round(DECAY_SHARE * total));
      long left = total - step; // steps from this one to the end, this one included
      return left >= decay ? 1 : left / (double) decay;
    }
    double progress = (step - warmup) / (double) Math.max(1, total - warmup);
    return 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)));
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
