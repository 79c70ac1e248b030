package org.medvlm.volume;

import net.imglib2.RandomAccess;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgFactory;
import net.imglib2.img.basictypeaccess.array.ArrayDataAccess;
import net.imglib2.type.NativeType;
import net.imglib2.type.numeric.RealType;

/**
 * Exact, interpolation-free voxel copies where output voxel (x, y, z) takes input voxel
 * {@code tx[x] + ty[y] + tz[z]} (a linear index), or the fill value where any table entry is
 * negative. Reorientation (permutations and flips), cropping, padding and nearest-neighbour
 * resampling of axis-aligned grids are all of this form, so they share this one loop.
 */
public final class VoxelRemap {
  private VoxelRemap() {}

  public static <T extends NativeType<T> & RealType<T>> ArrayImg<T, ?> copy(
      ArrayImg<T, ?> src, int[] outDims, int[] tx, int[] ty, int[] tz, double fill) {
    T type = src.firstElement().createVariable();
    ArrayImg<T, ?> out = new ArrayImgFactory<>(type).create(outDims[0], outDims[1], outDims[2]);
    Object in = ((ArrayDataAccess<?>) src.update(null)).getCurrentStorageArray();
    Object to = ((ArrayDataAccess<?>) out.update(null)).getCurrentStorageArray();
    if (in instanceof float[] a && to instanceof float[] b && isPlain(type)) {
      copyFloats(a, b, outDims, tx, ty, tz, (float) fill);
    } else if (in instanceof int[] a && to instanceof int[] b && isPlain(type)) {
      copyInts(a, b, outDims, tx, ty, tz, (int) fill);
    } else {
      copyGeneric(src, out, outDims, tx, ty, tz, fill);
    }
    return out;
  }

  /** Storage holds exactly one value per voxel (no bit packing), so array indexes are voxels. */
  private static boolean isPlain(NativeType<?> type) {
    return type.getEntitiesPerPixel().getRatio() == 1;
  }

  private static void copyFloats(float[] in, float[] out, int[] d, int[] tx, int[] ty, int[] tz, float fill) {
    forEachRow(d, ty, tz, (o, base) -> {
      for (int x = 0; x < d[0]; x++) out[o + x] = base < 0 || tx[x] < 0 ? fill : in[base + tx[x]];
    });
  }

  private static void copyInts(int[] in, int[] out, int[] d, int[] tx, int[] ty, int[] tz, int fill) {
    forEachRow(d, ty, tz, (o, base) -> {
      for (int x = 0; x < d[0]; x++) out[o + x] = base < 0 || tx[x] < 0 ? fill : in[base + tx[x]];
    });
  }

  /** One output row: its first linear index, and the linear index its input row starts at (-1: fill the row). */
  private interface RowCopy {
    void copy(int outStart, int inBase);
  }

  /** Calls {@code row} for each output row (y, z), in storage order; the per-voxel loop stays in the caller, unboxed. */
  private static void forEachRow(int[] d, int[] ty, int[] tz, RowCopy row) {
    int o = 0;
    for (int z = 0; z < d[2]; z++) {
      for (int y = 0; y < d[1]; y++, o += d[0]) row.copy(o, tz[z] < 0 || ty[y] < 0 ? -1 : tz[z] + ty[y]);
    }
  }

  private static <T extends NativeType<T> & RealType<T>> void copyGeneric(
      ArrayImg<T, ?> src, ArrayImg<T, ?> out, int[] d, int[] tx, int[] ty, int[] tz, double fill) {
    int sx = (int) src.dimension(0);
    int sy = (int) src.dimension(1);
    RandomAccess<T> ra = src.randomAccess();
    var cursor = out.localizingCursor();
    while (cursor.hasNext()) {
      T t = cursor.next();
      int x = cursor.getIntPosition(0), y = cursor.getIntPosition(1), z = cursor.getIntPosition(2);
      if (tx[x] < 0 || ty[y] < 0 || tz[z] < 0) {
        t.setReal(fill);
        continue;
      }
      int lin = tx[x] + ty[y] + tz[z];
      ra.setPosition(new int[] {lin % sx, (lin / sx) % sy, lin / (sx * sy)});
      t.set(ra.get());
    }
  }
}
