package org.medvlm.volume;

import net.imglib2.type.NativeType;
import net.imglib2.type.numeric.RealType;

/** A box of voxel indexes [min, max) and exact cropping to it and placing back from it. */
public record Crop(int[] min, int[] max) {
  public Crop {
    min = min.clone();
    max = max.clone();
    for (int a = 0; a < 3; a++) {
      if (min[a] < 0 || max[a] <= min[a]) throw new IllegalArgumentException("empty or negative crop box");
    }
  }

  public int[] size() {
    return new int[] {max[0] - min[0], max[1] - min[1], max[2] - min[2]};
  }

  public <T extends NativeType<T> & RealType<T>> Volume<T> apply(Volume<T> v) {
    int[] d = v.dims();
    int[] stride = {1, d[0], d[0] * d[1]};
    int[] size = size();
    int[][] t = new int[3][];
    for (int a = 0; a < 3; a++) {
      if (max[a] > d[a]) throw new IllegalArgumentException("crop box exceeds the volume");
      t[a] = new int[size[a]];
      for (int n = 0; n < size[a]; n++) t[a][n] = (min[a] + n) * stride[a];
    }
    return new Volume<>(VoxelRemap.copy(v.img(), size, t[0], t[1], t[2], 0), geometryOf(v.geometry()));
  }

  /** Places a cropped volume back into a grid of {@code fullDims}, filling the rest. */
  public <T extends NativeType<T> & RealType<T>> Volume<T> uncrop(Volume<T> cropped, int[] fullDims, double fill) {
    int[] size = size();
    int[] stride = {1, size[0], size[0] * size[1]};
    int[][] t = new int[3][];
    for (int a = 0; a < 3; a++) {
      t[a] = new int[fullDims[a]];
      for (int n = 0; n < fullDims[a]; n++) {
        int i = n - min[a];
        t[a][n] = i >= 0 && i < size[a] ? i * stride[a] : -1;
      }
    }
    Geometry g = cropped.geometry().mapIndex(identity(), new double[] {-min[0], -min[1], -min[2]});
    return new Volume<>(VoxelRemap.copy(cropped.img(), fullDims, t[0], t[1], t[2], fill), g);
  }

  /** Geometry of the cropped grid, given the geometry of the full one. */
  public Geometry geometryOf(Geometry full) {
    return full.mapIndex(identity(), new double[] {min[0], min[1], min[2]});
  }

  private static double[][] identity() {
    return new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
  }
}
