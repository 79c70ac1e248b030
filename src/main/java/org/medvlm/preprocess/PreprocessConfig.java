package org.medvlm.preprocess;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

/**
 * Settings of the shared preprocessing. Saved with every checkpoint so inference repeats exactly
 * what training did.
 *
 * @param spacing target voxel spacing in mm along x, y, z of the RAS grid; NaN keeps the native one
 * @param windowLow lower end of the CT window in HU (maps to 0)
 * @param windowHigh upper end of the CT window in HU (maps to 1)
 * @param size model input size in pixels (square)
 * @param contextSlices number of neighbouring slices stacked as channels (odd; 1 = plain 2D)
 * @param bodyThresholdHu voxels above this belong to the body when cropping
 * @param cropMarginMm margin kept around the body bounding box
 */
public record PreprocessConfig(double[] spacing, double windowLow, double windowHigh, int size, int contextSlices,
    double bodyThresholdHu, double cropMarginMm) {
  private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().setPrettyPrinting().create();

  public PreprocessConfig {
    spacing = spacing.clone();
    if (spacing.length != 3) throw new IllegalArgumentException("spacing needs 3 values");
    for (double s : spacing) if (!Double.isNaN(s) && !(s > 0)) throw new IllegalArgumentException("spacing must be positive or NaN (native): " + s);
    if (!(windowHigh > windowLow)) throw new IllegalArgumentException("window must have high > low: [" + windowLow + ", " + windowHigh + "]");
    if (size < 8 || size > 4096) throw new IllegalArgumentException("size must be 8 to 4096: " + size);
    if (contextSlices > 63) throw new IllegalArgumentException("context slices must be at most 63: " + contextSlices);
    if (contextSlices < 1 || contextSlices % 2 == 0) throw new IllegalArgumentException("context slices must be odd and positive: " + contextSlices);
    if (!(cropMarginMm >= 0)) throw new IllegalArgumentException("crop margin must be >= 0");
  }

  /** The study's setting: 1.5 x 1.5 mm in-plane, native slices, window [-175, 250] HU, 224 px, 2D. */
  public static PreprocessConfig defaults() {
    return new PreprocessConfig(new double[] {1.5, 1.5, Double.NaN}, -175, 250, 224, 1, -500, 5);
  }

  public PreprocessConfig withSize(int newSize) {
    return new PreprocessConfig(spacing, windowLow, windowHigh, newSize, contextSlices, bodyThresholdHu, cropMarginMm);
  }

  public PreprocessConfig withSpacing(double[] newSpacing) {
    return new PreprocessConfig(newSpacing, windowLow, windowHigh, size, contextSlices, bodyThresholdHu, cropMarginMm);
  }

  public PreprocessConfig withContextSlices(int n) {
    return new PreprocessConfig(spacing, windowLow, windowHigh, size, n, bodyThresholdHu, cropMarginMm);
  }

  public String toJson() {
    return GSON.toJson(this);
  }

  public static PreprocessConfig fromJson(String json) {
    return GSON.fromJson(json, PreprocessConfig.class);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PreprocessConfig p && java.util.Arrays.equals(spacing, p.spacing) && windowLow == p.windowLow
        && windowHigh == p.windowHigh && size == p.size && contextSlices == p.contextSlices
        && bodyThresholdHu == p.bodyThresholdHu && cropMarginMm == p.cropMarginMm;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(java.util.Arrays.hashCode(spacing), windowLow, windowHigh, size, contextSlices, bodyThresholdHu, cropMarginMm);
  }
}
