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
 * @param pose probability of a small in-plane pose change (rotation, zoom and shift together,
 *     each uniform within its bound), which keeps left and right where they are
 * @param rotateDegrees largest rotation of a pose change
 * @param zoomRange largest relative zoom of a pose change
 * @param moveFraction largest shift of a pose change, as a fraction of the slice's side
 * @param gamma probability of a gamma change of the image's contrast, gamma uniform in [0.7, 1.5]
 *     on the sample's own value range (as nnU-Net)
 * @param blur probability of a Gaussian blur, sigma uniform in [0.5, 1] pixels
 * @param lowResolution probability of simulated low resolution: down-sampled by a factor uniform
 *     in [0.5, 1] (nearest), then up-sampled back (bilinear), as nnU-Net
 */
public record AugmentConfig(double flipLeftRight, double flipAnteriorPosterior, double rotate90, double intensityShift,
    double shiftRange, double intensityScale, double scaleRange, double noise, double noiseSigma,
    double pose, double rotateDegrees, double zoomRange, double moveFraction, double gamma, double blur, double lowResolution) {
  public AugmentConfig {
    for (double p : new double[] {flipLeftRight, flipAnteriorPosterior, rotate90, intensityShift, intensityScale, noise, pose, gamma, blur, lowResolution}) {
      if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("augmentation probability must be in [0, 1]: " + p);
    }
    if (!(rotateDegrees >= 0 && rotateDegrees <= 180)) throw new IllegalArgumentException("rotation bound must be in [0, 180] degrees: " + rotateDegrees);
    if (!(zoomRange >= 0 && zoomRange < 1)) throw new IllegalArgumentException("zoom bound must be in [0, 1): " + zoomRange);
    if (!(moveFraction >= 0 && moveFraction <= 0.5)) throw new IllegalArgumentException("shift bound must be in [0, 0.5] of the side: " + moveFraction);
  }

  /** Without gamma, blur and low-resolution changes. */
  public AugmentConfig(double flipLeftRight, double flipAnteriorPosterior, double rotate90, double intensityShift,
      double shiftRange, double intensityScale, double scaleRange, double noise, double noiseSigma,
      double pose, double rotateDegrees, double zoomRange, double moveFraction) {
    this(flipLeftRight, flipAnteriorPosterior, rotate90, intensityShift, shiftRange, intensityScale, scaleRange, noise, noiseSigma,
        pose, rotateDegrees, zoomRange, moveFraction, 0, 0, 0);
  }

  /** Without pose changes. */
  public AugmentConfig(double flipLeftRight, double flipAnteriorPosterior, double rotate90, double intensityShift,
      double shiftRange, double intensityScale, double scaleRange, double noise, double noiseSigma) {
    this(flipLeftRight, flipAnteriorPosterior, rotate90, intensityShift, shiftRange, intensityScale, scaleRange, noise, noiseSigma, 0, 0, 0, 0);
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

  /**
   * {@link #intensityOnly()} plus, on 70% of the slices, a rotation of up to 10 degrees, a zoom of
   * up to 10% and a shift of up to 6% of the side: patients lie a little differently and differ in
   * size, so small organs are not learnt at one fixed place of the few training scans.
   */
  public static AugmentConfig withPose() {
    return new AugmentConfig(0, 0, 0, 0.5, 0.1, 0.5, 0.1, 0.3, 0.02, 0.7, 10, 0.1, 0.06);
  }

  /**
   * Of about nnU-Net's strength, for training on few scans, without mirroring (the anatomy is
   * lateralised): on 80% of the slices a rotation of up to 20 degrees, a zoom of up to 30% and a
   * shift of up to 8% of the side; intensity shift (10%) and scale (25%), noise (sigma 0.03 of the
   * window), gamma (30% of the slices), blur (20%) and simulated low resolution (25%).
   */
  public static AugmentConfig strong() {
    return new AugmentConfig(0, 0, 0, 0.5, 0.1, 0.5, 0.25, 0.3, 0.03, 0.8, 20, 0.3, 0.08, 0.3, 0.2, 0.25);
  }

  /** By name: "study" ({@link #defaults()}), "safe" ({@link #intensityOnly()}), "pose" ({@link #withPose()}), "strong" ({@link #strong()}) or "none". */
  public static AugmentConfig named(String name) {
    return switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "study" -> defaults();
      case "safe" -> intensityOnly();
      case "pose" -> withPose();
      case "strong" -> strong();
      case "none" -> none();
      default -> throw new IllegalArgumentException("unknown augmentation set '" + name + "' (study, safe, pose, strong or none)");
    };
  }

  public static AugmentConfig none() {
    return new AugmentConfig(0, 0, 0, 0, 0, 0, 0, 0, 0);
  }
}
