package org.medvlm.metrics;

/**
 * Exact squared Euclidean distance transform with anisotropic voxel spacing (Felzenszwalb and
 * Huttenlocher's lower envelope of parabolas, one pass per axis). For every voxel: the squared
 * distance in mm^2 to the nearest feature voxel, or +infinity if there is none.
 */
public final class DistanceTransform {
  private DistanceTransform() {}

  public static double[] squared(boolean[] feature, int[] dims, double[] spacing) {
    int n = feature.length;
    double[] d = new double[n];
    for (int i = 0; i < n; i++) d[i] = feature[i] ? 0 : Double.POSITIVE_INFINITY;
    int maxLen = Math.max(dims[0], Math.max(dims[1], dims[2]));
    double[] f = new double[maxLen];
    double[] out = new double[maxLen];
    int[] v = new int[maxLen];
    double[] z = new double[maxLen + 1];
    int[] stride = {1, dims[0], dims[0] * dims[1]};
    for (int axis = 0; axis < 3; axis++) {
      int len = dims[axis];
      int s = stride[axis];
      int a1 = axis == 0 ? 1 : 0, a2 = axis == 2 ? 1 : 2;
      for (int j = 0; j < dims[a2]; j++) {
        for (int i = 0; i < dims[a1]; i++) {
          int base = i * stride[a1] + j * stride[a2];
          for (int k = 0; k < len; k++) f[k] = d[base + k * s];
          line(f, len, spacing[axis], out, v, z);
          for (int k = 0; k < len; k++) d[base + k * s] = out[k];
        }
      }
    }
    return d;
  }

  /** 1D transform: out[p] = min_q ((p - q) w)^2 + f[q]. */
  private static void line(double[] f, int n, double w, double[] out, int[] v, double[] z) {
    int k = -1;
    double w2 = w * w;
    for (int q = 0; q < n; q++) {
      if (f[q] == Double.POSITIVE_INFINITY) continue;
      double s = 0;
      while (k >= 0) {
        int p = v[k];
        s = ((f[q] + w2 * q * q) - (f[p] + w2 * p * p)) / (2 * w2 * (q - p));
        if (s <= z[k]) k--;
        else break;
      }
      k++;
      v[k] = q;
      z[k] = k == 0 ? Double.NEGATIVE_INFINITY : s;
      z[k + 1] = Double.POSITIVE_INFINITY;
    }
    if (k < 0) {
      for (int q = 0; q < n; q++) out[q] = Double.POSITIVE_INFINITY;
      return;
    }
    int j = 0;
    for (int q = 0; q < n; q++) {
      while (z[j + 1] < q) j++;
      double dq = (q - v[j]) * w;
      out[q] = dq * dq + f[v[j]];
    }
  }
}
