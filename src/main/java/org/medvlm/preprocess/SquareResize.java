package org.medvlm.preprocess;

/**
 * Maps a w x h plane onto an S x S plane and back, keeping the aspect ratio: the plane is centred
 * in a square of side L = max(w, h) (padding with a fill value) and scaled by S / L. Pixel centres
 * follow the half-pixel convention of PyTorch's {@code align_corners=False}. Nearest-neighbour
 * upscaling followed by {@link #nearestBack} is the identity.
 */
public record SquareResize(int width, int height, int size) {
  public int side() {
    return Math.max(width, height);
  }

  public int padX() {
    return (side() - width) / 2;
  }

  public int padY() {
    return (side() - height) / 2;
  }

  /** Source coordinate (in the w x h plane, continuous) of output pixel u along an axis with padding pad. */
  private double source(int u, int pad) {
    return (u + 0.5) * side() / (double) size - 0.5 - pad;
  }

  public void bilinear(float[] src, int srcOffset, float[] dst, int dstOffset, float fill) {
    for (int v = 0; v < size; v++) {
      double y = source(v, padY());
      for (int u = 0; u < size; u++) {
        double x = source(u, padX());
        dst[dstOffset + v * size + u] = sample(src, srcOffset, x, y, fill);
      }
    }
  }

  private float sample(float[] src, int off, double x, double y, float fill) {
    if (x < -0.5 || y < -0.5 || x > width - 0.5 || y > height - 0.5) return fill;
    x = Math.max(0, Math.min(width - 1, x));
    y = Math.max(0, Math.min(height - 1, y));
    int x0 = Math.min((int) x, Math.max(0, width - 2));
    int y0 = Math.min((int) y, Math.max(0, height - 2));
    int x1 = Math.min(x0 + 1, width - 1);
    int y1 = Math.min(y0 + 1, height - 1);
    float fx = (float) (x - x0), fy = (float) (y - y0);
    float a = src[off + y0 * width + x0], b = src[off + y0 * width + x1];
    float c = src[off + y1 * width + x0], d = src[off + y1 * width + x1];
    return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy;
  }

  public void nearest(int[] src, int srcOffset, int[] dst, int dstOffset) {
    for (int v = 0; v < size; v++) {
      int y = (int) Math.floor(source(v, padY()) + 0.5);
      for (int u = 0; u < size; u++) {
        int x = (int) Math.floor(source(u, padX()) + 0.5);
        boolean inside = x >= 0 && y >= 0 && x < width && y < height;
        dst[dstOffset + v * size + u] = inside ? src[srcOffset + y * width + x] : 0;
      }
    }
  }

  /** The inverse mapping: every w x h pixel takes the S x S pixel its centre falls in. */
  public void nearestBack(int[] src, int srcOffset, int[] dst, int dstOffset) {
    int[] ux = new int[width];
    for (int x = 0; x < width; x++) ux[x] = clamp((int) Math.floor((x + padX() + 0.5) * size / (double) side()));
    for (int y = 0; y < height; y++) {
      int v = clamp((int) Math.floor((y + padY() + 0.5) * size / (double) side()));
      for (int x = 0; x < width; x++) dst[dstOffset + y * width + x] = src[srcOffset + v * size + ux[x]];
    }
  }

  /**
   * Bilinear inverse for probabilities (one channel): the S x S map upscaled to the L x L square,
   * sampled only where the w x h plane lies in it (the padding is never computed).
   */
  public void bilinearBack(float[] src, int srcOffset, float[] dst, int dstOffset) {
    SquareResize up = new SquareResize(size, size, side());
    double[] xs = new double[width];
    for (int x = 0; x < width; x++) xs[x] = up.source(x + padX(), 0);
    for (int y = 0; y < height; y++) {
      double sy = up.source(y + padY(), 0);
      for (int x = 0; x < width; x++) dst[dstOffset + y * width + x] = up.sample(src, srcOffset, xs[x], sy, 0f);
    }
  }

  private int clamp(int u) {
    return Math.max(0, Math.min(size - 1, u));
  }
}
