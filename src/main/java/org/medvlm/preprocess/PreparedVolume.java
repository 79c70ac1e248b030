package org.medvlm.preprocess;

/**
 * A volume after the shared preprocessing: {@code depth} axial slices of {@code size x size}
 * windowed intensities in [0, 1] (slice-major), optional labels on the same slices, and the
 * mapping back to the input grid.
 */
public record PreparedVolume(float[] image, int[] labels, SliceMapping mapping, int contextSlices) {
  public int depth() {
    return mapping.depth();
  }

  public int size() {
    return mapping.size();
  }

  /**
   * Model input for slice z: {@code contextSlices} channels centred on z (neighbours repeated at
   * the ends of the volume), each {@code size x size}.
   */
  public float[] input(int z) {
    int s2 = size() * size();
    float[] out = new float[contextSlices * s2];
    int half = contextSlices / 2;
    for (int c = 0; c < contextSlices; c++) {
      int k = Math.max(0, Math.min(depth() - 1, z - half + c));
      System.arraycopy(image, k * s2, out, c * s2, s2);
    }
    return out;
  }

  /** Labels of slice z ({@code size x size}); requires labels. */
  public int[] labelSlice(int z) {
    if (labels == null) throw new IllegalStateException("this volume was prepared without labels");
    int s2 = size() * size();
    int[] out = new int[s2];
    System.arraycopy(labels, z * s2, out, 0, s2);
    return out;
  }
}
