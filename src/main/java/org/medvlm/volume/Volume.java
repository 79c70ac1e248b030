package org.medvlm.volume;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.basictypeaccess.array.IntArray;
import net.imglib2.type.NativeType;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.integer.IntType;
import net.imglib2.type.numeric.real.FloatType;

/**
 * A 3D voxel grid: an ImgLib2 array image with axes (x, y, z) = NIfTI (i, j, k), x fastest, plus
 * its {@link Geometry}. CT intensities are {@link FloatType} in HU; label maps are {@link IntType}.
 * Backed by one Java array, so at most 2^31 - 1 voxels.
 */
public final class Volume<T extends NativeType<T> & RealType<T>> {
  private final ArrayImg<T, ?> img;
  private final Geometry geometry;

  public Volume(ArrayImg<T, ?> img, Geometry geometry) {
    if (img.numDimensions() != 3) throw new IllegalArgumentException("volume must be 3D, got " + img.numDimensions() + "D");
    this.img = img;
    this.geometry = geometry;
  }

  /** CT volume over a float array in x-fastest order (the array is used, not copied). */
  public static Volume<FloatType> ofFloats(float[] data, int[] dims, Geometry geometry) {
    checkLength(data.length, dims);
    return new Volume<>(ArrayImgs.floats(data, dims[0], dims[1], dims[2]), geometry);
  }

  /** Label volume over an int array in x-fastest order (the array is used, not copied). */
  public static Volume<IntType> ofLabels(int[] data, int[] dims, Geometry geometry) {
    checkLength(data.length, dims);
    return new Volume<>(ArrayImgs.ints(data, dims[0], dims[1], dims[2]), geometry);
  }

  public ArrayImg<T, ?> img() {
    return img;
  }

  public Geometry geometry() {
    return geometry;
  }

  public int[] dims() {
    return new int[] {(int) img.dimension(0), (int) img.dimension(1), (int) img.dimension(2)};
  }

  public int voxelCount() {
    return (int) (img.dimension(0) * img.dimension(1) * img.dimension(2));
  }

  public T type() {
    return img.firstElement().createVariable();
  }

  /** Same voxels, other geometry. */
  public Volume<T> withGeometry(Geometry g) {
    return new Volume<>(img, g);
  }

  /** True if both grids have the same size and the same affine within {@code tolMm}. */
  public boolean sameGrid(Volume<?> other, double tolMm) {
    return Arrays.equals(dims(), other.dims()) && geometry.approxEquals(other.geometry, tolMm);
  }

  /**
   * How this grid differs from {@code other}'s, in words (size, spacing, orientation as a flip or
   * turn, origin as a shift in mm), for messages; empty when they agree within {@code tolMm}.
   */
  public String gridDifference(Volume<?> other, double tolMm) {
    List<String> parts = new ArrayList<>();
    if (!Arrays.equals(dims(), other.dims())) parts.add("size " + text(dims()) + " vs " + text(other.dims()));
    Geometry a = geometry, b = other.geometry;
    double[] sa = a.spacing(), sb = b.spacing();
    for (int i = 0; i < 3; i++) {
      if (Math.abs(sa[i] - sb[i]) > 1e-4) {
        parts.add(String.format(Locale.ROOT, "spacing %.4g x %.4g x %.4g vs %.4g x %.4g x %.4g mm", sa[0], sa[1], sa[2], sb[0], sb[1], sb[2]));
        break;
      }
    }
    if (!a.orientationCode().equals(b.orientationCode())) {
      parts.add("orientation " + a.orientationCode() + " vs " + b.orientationCode() + " (flipped or turned axes)");
    } else {
      double[][] da = a.direction(), db = b.direction();
      double worst = 0;
      for (int r = 0; r < 3; r++) for (int c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(da[r][c] - db[r][c]));
      if (worst > 1e-4) parts.add(String.format(Locale.ROOT, "axis directions differ by up to %.3g (a small rotation)", worst));
    }
    double[] oa = a.origin(), ob = b.origin();
    double shift = Math.sqrt((oa[0] - ob[0]) * (oa[0] - ob[0]) + (oa[1] - ob[1]) * (oa[1] - ob[1]) + (oa[2] - ob[2]) * (oa[2] - ob[2]));
    if (shift > tolMm) parts.add(String.format(Locale.ROOT, "origin shifted by %.3f, %.3f, %.3f mm (RAS)", ob[0] - oa[0], ob[1] - oa[1], ob[2] - oa[2]));
    if (parts.isEmpty() && !sameGrid(other, tolMm)) parts.add("affine differs by more than " + tolMm + " mm");
    return String.join("; ", parts);
  }

  private static String text(int[] d) {
    return d[0] + " x " + d[1] + " x " + d[2];
  }

  /** The backing float array of a CT volume (no copy). */
  public static float[] floats(Volume<FloatType> v) {
    return ((FloatArray) v.img.update(null)).getCurrentStorageArray();
  }

  /** How many voxels of a CT volume are NaN or infinite. */
  public static long nonFiniteCount(Volume<FloatType> v) {
    long n = 0;
    for (float x : floats(v)) if (!Float.isFinite(x)) n++;
    return n;
  }

  /** The backing int array of a label volume (no copy). */
  public static int[] ints(Volume<IntType> v) {
    return ((IntArray) v.img.update(null)).getCurrentStorageArray();
  }

  private static void checkLength(int length, int[] dims) {
    if (dims.length != 3) throw new IllegalArgumentException("dims must have 3 entries");
    long n = (long) dims[0] * dims[1] * dims[2];
    if (n != length) throw new IllegalArgumentException("array length " + length + " != " + Arrays.toString(dims));
  }
}
