package org.medvlm.metrics;

import java.util.Arrays;

/**
 * Distances between the surfaces of two binary masks, in mm. A surface voxel is a foreground
 * voxel with a background 6-neighbour (outside the grid counts as background). As in MONAI and
 * medpy, the distance of a surface voxel of A is to the nearest surface voxel of B.
 */
final class SurfaceDistances {
  final double[] aToB;
  final double[] bToA;

  private SurfaceDistances(double[] aToB, double[] bToA) {
    this.aToB = aToB;
    this.bToA = bToA;
  }

  /** Both masks must be non-empty; dims/spacing describe the (cropped) grid they live on. */
  static SurfaceDistances of(boolean[] a, boolean[] b, int[] dims, double[] spacing) {
    boolean[] sa = surface(a, dims);
    boolean[] sb = surface(b, dims);
    double[] toB = DistanceTransform.squared(sb, dims, spacing);
    double[] toA = DistanceTransform.squared(sa, dims, spacing);
    return new SurfaceDistances(sample(sa, toB), sample(sb, toA));
  }

  static boolean[] surface(boolean[] m, int[] d) {
    boolean[] s = new boolean[m.length];
    int sx = 1, sy = d[0], sz = d[0] * d[1];
    for (int z = 0; z < d[2]; z++) {
      for (int y = 0; y < d[1]; y++) {
        for (int x = 0; x < d[0]; x++) {
          int i = x + sy * y + sz * z;
          if (!m[i]) continue;
          s[i] = x == 0 || x == d[0] - 1 || y == 0 || y == d[1] - 1 || z == 0 || z == d[2] - 1
              || !m[i - sx] || !m[i + sx] || !m[i - sy] || !m[i + sy] || !m[i - sz] || !m[i + sz];
        }
      }
    }
    return s;
  }

  private static double[] sample(boolean[] at, double[] squared) {
    int n = 0;
    for (boolean b : at) if (b) n++;
    double[] out = new double[n];
    int k = 0;
    for (int i = 0; i < at.length; i++) if (at[i]) out[k++] = Math.sqrt(squared[i]);
    return out;
  }

  /** Symmetric 95th percentile Hausdorff distance: max of both directed 95th percentiles (MONAI). */
  double hd95() {
    return Math.max(percentile(aToB, 95), percentile(bToA, 95));
  }

  /** Average symmetric surface distance: mean over all surface voxels of both masks (MONAI). */
  double assd() {
    double sum = 0;
    for (double v : aToB) sum += v;
    for (double v : bToA) sum += v;
    return sum / (aToB.length + bToA.length);
  }

  /** Normalised surface Dice: share of surface voxels of either mask within {@code tol} mm of the other. */
  double nsd(double tol) {
    int ok = 0;
    for (double v : aToB) if (v <= tol) ok++;
    for (double v : bToA) if (v <= tol) ok++;
    return ok / (double) (aToB.length + bToA.length);
  }

  /** Percentile with linear interpolation between order statistics (numpy's default). */
  static double percentile(double[] values, double p) {
    double[] s = values.clone();
    Arrays.sort(s);
    double pos = (s.length - 1) * p / 100.0;
    int lo = (int) Math.floor(pos);
    int hi = Math.min(s.length - 1, lo + 1);
    return s[lo] + (s[hi] - s[lo]) * (pos - lo);
  }
}
