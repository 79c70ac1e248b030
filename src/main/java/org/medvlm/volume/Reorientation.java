package org.medvlm.volume;

import net.imglib2.type.NativeType;
import net.imglib2.type.numeric.RealType;

/**
 * An exact change of axis order and direction (no interpolation): output axis c is input axis
 * {@code perm[c]}, read backwards when {@code flip[c]}. The world position of every voxel is kept,
 * so applying it and then {@link #inverse()} gives back the input bit for bit.
 */
public final class Reorientation {
  private final int[] perm;
  private final boolean[] flip;
  private final int[] srcDims;

  private Reorientation(int[] perm, boolean[] flip, int[] srcDims) {
    this.perm = perm;
    this.flip = flip;
    this.srcDims = srcDims;
  }

  /** The reorientation that brings a grid of this geometry to the given code (e.g. "RAS"). */
  public static Reorientation to(String code, Geometry geometry, int[] dims) {
    int[] from = Orientation.closestAxes(geometry.direction());
    int[] to = Orientation.parse(code);
    int[] perm = new int[3];
    boolean[] flip = new boolean[3];
    for (int c = 0; c < 3; c++) {
      for (int a = 0; a < 3; a++) {
        if (Math.abs(from[a]) == Math.abs(to[c])) {
          perm[c] = a;
          flip[c] = Integer.signum(from[a]) != Integer.signum(to[c]);
        }
      }
    }
    return new Reorientation(perm, flip, dims.clone());
  }

  public boolean isIdentity() {
    for (int c = 0; c < 3; c++) if (perm[c] != c || flip[c]) return false;
    return true;
  }

  public int[] outputDims() {
    return new int[] {srcDims[perm[0]], srcDims[perm[1]], srcDims[perm[2]]};
  }

  /** Geometry of the output grid: the same world positions under the new index order. */
  public Geometry outputGeometry(Geometry src) {
    double[][] m = new double[3][3];
    double[] t = new double[3];
    for (int c = 0; c < 3; c++) {
      m[perm[c]][c] = flip[c] ? -1 : 1;
      t[perm[c]] = flip[c] ? srcDims[perm[c]] - 1 : 0;
    }
    return src.mapIndex(m, t);
  }

  public <T extends NativeType<T> & RealType<T>> Volume<T> apply(Volume<T> v) {
    if (!java.util.Arrays.equals(v.dims(), srcDims)) {
      throw new IllegalArgumentException("volume size differs from the one this reorientation was made for");
    }
    if (isIdentity()) return v;
    int[] out = outputDims();
    int[] stride = {1, srcDims[0], srcDims[0] * srcDims[1]};
    int[][] tables = new int[3][];
    for (int c = 0; c < 3; c++) {
      int a = perm[c];
      int[] t = new int[out[c]];
      for (int n = 0; n < out[c]; n++) t[n] = (flip[c] ? srcDims[a] - 1 - n : n) * stride[a];
      tables[c] = t;
    }
    return new Volume<>(VoxelRemap.copy(v.img(), out, tables[0], tables[1], tables[2], 0), outputGeometry(v.geometry()));
  }

  /**
   * {@code v} on the grid of {@code target} when the two grids hold the same voxels in another
   * axis order or direction (a label map stored LAS beside its LPS image): an exact reordering,
   * no interpolation. {@code v} itself when the grids already match; null when no reordering
   * makes them match.
   */
  public static <T extends NativeType<T> & RealType<T>> Volume<T> ontoGridOf(Volume<T> v, Volume<?> target, double tolMm) {
    if (v.sameGrid(target, tolMm)) return v;
    Reorientation r = to(target.geometry().orientationCode(), v.geometry(), v.dims());
    if (r.isIdentity()) return null;
    Volume<T> moved = r.apply(v);
    return moved.sameGrid(target, tolMm) ? moved : null;
  }

  /** The reorientation that takes the output grid back to the input grid. */
  public Reorientation inverse() {
    int[] inv = new int[3];
    boolean[] invFlip = new boolean[3];
    for (int c = 0; c < 3; c++) {
      inv[perm[c]] = c;
      invFlip[perm[c]] = flip[c];
    }
    return new Reorientation(inv, invFlip, outputDims());
  }
}
