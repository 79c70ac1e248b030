package org.medvlm.preprocess;

/**
 * Training augmentations, each applied with its own probability. Spatial ones act on image and
 * labels alike; intensity ones on the image only (values stay in [0, 1] after windowing).
 *
 * @param flipLeftRight probability of mirroring the x (left-right) axis
 * @param flipAnteriorPosterior probability of mirroring the y (anterior-posterior) axis
 * @param rotate90 probability of a rotation by 90, 180 or 270 degrees (chosen uniformly)
 * @param intensityShift probability of adding a uniform offset in [-shiftRange, shiftRange]
 * @param shiftRange largest offset
 * @param intensityScale probability of multiplying by a uniform factor in [1 - scaleRange, 1 + scaleRange]
 * @param scaleRange largest relative change
 * @param noise probability of adding Gaussian noise
 * @param noiseSigma standard deviation of that noise
 */
public record AugmentConfig(double flipLeftRight, double flipAnteriorPosterior, double rotate90, double intensityShift,
    double shiftRange, double intensityScale, double scaleRange, double noise, double noiseSigma) {
  public AugmentConfig {
    for (double p : new double[] {flipLeftRight, flipAnteriorPosterior, rotate90, intensityShift, intensityScale, noise}) {
      if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("augmentation probability must be in [0, 1]: " + p);
    }
  }

  /** The study's set: flips, 90 degree rotations, intensity shift and scale, Gaussian noise. */
  public static AugmentConfig defaults() {
    return new AugmentConfig(0.5, 0.5, 0.5, 0.5, 0.1, 0.5, 0.1, 0.3, 0.02);
  }

  /**
   * Intensity changes and noise only. Slices are in RAS orientation after preprocessing, so flips
   * and quarter turns only teach the model that left and right organs (kidneys, adrenal glands)
   * may swap sides; this is the default for multi-organ training.
   */
  public static AugmentConfig intensityOnly() {
    return new AugmentConfig(0, 0, 0, 0.5, 0.1, 0.5, 0.1, 0.3, 0.02);
  }

  /** By name: "study" ({@link #defaults()}), "safe" ({@link #intensityOnly()}) or "none". */
  public static AugmentConfig named(String name) {
    return switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "study" -> defaults();
      case "safe" -> intensityOnly();
      case "none" -> none();
      default -> throw new IllegalArgumentException("unknown augmentation set '" + name + "' (study, safe or none)");
    };
  }

  public static AugmentConfig none() {
    return new AugmentConfig(0, 0, 0, 0, 0, 0, 0, 0, 0);
  }
}
