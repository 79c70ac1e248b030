package org.medvlm.volume;

import java.util.Arrays;
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

  /** The backing float array of a CT volume (no copy). */
  public static float[] floats(Volume<FloatType> v) {
    return ((FloatArray) v.img.update(null)).getCurrentStorageArray();
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
