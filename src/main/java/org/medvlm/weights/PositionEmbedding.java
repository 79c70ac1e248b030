package org.medvlm.weights;

/**
 * Resamples a ViT's learned position embeddings to another patch grid as timm's
 * {@code resample_abs_pos_embed} does: the class token's embedding is kept, the grid's are
 * interpolated bicubically with antialiasing ({@code F.interpolate(mode='bicubic',
 * antialias=True, align_corners=False)}, PyTorch's separable kernel with a = -0.5 whose support
 * widens when shrinking).
 */
public final class PositionEmbedding {
  private PositionEmbedding() {}

  /**
   * @param pos (1 + oldGrid^2) x dim embeddings, class token first, row-major
   * @return (1 + newGrid^2) x dim
   */
  public static float[] resample(float[] pos, int dim, int oldGrid, int newGrid) {
    if (pos.length != (1 + oldGrid * oldGrid) * dim) throw new IllegalArgumentException("position embeddings do not hold a " + oldGrid + "^2 grid of width " + dim);
    if (oldGrid == newGrid) return pos.clone();
    Weights w = weights(oldGrid, newGrid);
    // grid tokens are (row, col, dim); resample columns, then rows
    float[] rows = new float[oldGrid * newGrid * dim];
    for (int y = 0; y < oldGrid; y++) {
      for (int x = 0; x < newGrid; x++) {
        for (int k = 0; k < w.count[x]; k++) {
          int src = dim * (1 + y * oldGrid + w.first[x] + k);
          float wk = (float) w.weight[x][k];
          int dst = (y * newGrid + x) * dim;
          for (int c = 0; c < dim; c++) rows[dst + c] += wk * pos[src + c];
        }
      }
    }
    float[] out = new float[(1 + newGrid * newGrid) * dim];
    System.arraycopy(pos, 0, out, 0, dim);
    for (int y = 0; y < newGrid; y++) {
      for (int k = 0; k < w.count[y]; k++) {
        float wk = (float) w.weight[y][k];
        int srcRow = w.first[y] + k;
        for (int x = 0; x < newGrid; x++) {
          int src = (srcRow * newGrid + x) * dim;
          int dst = dim * (1 + y * newGrid + x);
          for (int c = 0; c < dim; c++) out[dst + c] += wk * rows[src + c];
        }
      }
    }
    return out;
  }

  private record Weights(int[] first, int[] count, double[][] weight) {}

  /** PyTorch's {@code _compute_indices_weights_aa} for bicubic (interp size 4). */
  private static Weights weights(int in, int out) {
    double scale = (double) in / out;
    double support = scale >= 1 ? 2 * scale : 2;
    double invScale = scale >= 1 ? 1 / scale : 1;
    int[] first = new int[out];
    int[] count = new int[out];
    double[][] weight = new double[out][];
    for (int i = 0; i < out; i++) {
      double center = scale * (i + 0.5);
      int xmin = Math.max((int) (center - support + 0.5), 0);
      int xsize = Math.min((int) (center + support + 0.5), in) - xmin;
      double[] w = new double[Math.max(xsize, 0)];
      double total = 0;
      for (int j = 0; j < w.length; j++) {
        w[j] = cubic((j + xmin - center + 0.5) * invScale);
        total += w[j];
      }
      if (total != 0) for (int j = 0; j < w.length; j++) w[j] /= total;
      first[i] = xmin;
      count[i] = w.length;
      weight[i] = w;
    }
    return new Weights(first, count, weight);
  }

  private static double cubic(double x) {
    final double a = -0.5;
    x = Math.abs(x);
    if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
    if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
    return 0;
  }
}
