package org.medvlm.volume;

import java.util.Arrays;

/** A voxel grid without voxels: its size and geometry. Used as the target of resampling. */
public record Grid(int[] dims, Geometry geometry) {
  public Grid {
    dims = dims.clone();
  }

  public static Grid of(Volume<?> v) {
    return new Grid(v.dims(), v.geometry());
  }

  /**
   * The grid covering the same field of view at a new spacing: the first voxel centre stays put,
   * the size is rounded to whole voxels, and axes with a non-positive or NaN target keep theirs.
   */
  public Grid withSpacing(double[] target) {
    double[] s = geometry.spacing();
    double[][] m = new double[3][3];
    int[] n = new int[3];
    for (int a = 0; a < 3; a++) {
      boolean keep = !(target[a] > 0);
      double f = keep ? 1 : target[a] / s[a];
      n[a] = keep ? dims[a] : (int) Math.max(1, Math.round(dims[a] / f));
      m[a][a] = f;
    }
    return new Grid(n, geometry.mapIndex(m, new double[3]));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Grid g && Arrays.equals(dims, g.dims) && geometry.equals(g.geometry);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(dims) + geometry.hashCode();
  }

  @Override
  public String toString() {
    return Arrays.toString(dims) + " " + geometry;
  }
}
