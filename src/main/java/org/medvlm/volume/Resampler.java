package org.medvlm.volume;

import net.imglib2.type.NativeType;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.real.FloatType;

/**
 * Resampling between axis-aligned grids (same direction cosines, any spacing and origin): linear
 * for CT intensities, nearest neighbour for labels. Because the grids are aligned, each output
 * axis reads from one input axis and both methods are separable, hence fast and exact at equal
 * spacing. Points within half a voxel outside the input are clamped to its edge; points further
 * out get the fill value (0 for labels, so predictions written back onto a larger grid are
 * background there).
 */
public final class Resampler {
  private Resampler() {}

  /** Nearest-neighbour resampling of any volume (labels) onto an aligned grid. */
  public static <T extends NativeType<T> & RealType<T>> Volume<T> nearest(Volume<T> src, Grid target, double fill) {
    double[][] map = axisMap(src, target);
    int[] sd = src.dims();
    int[] stride = {1, sd[0], sd[0] * sd[1]};
    int[][] tables = new int[3][];
    for (int a = 0; a < 3; a++) {
      int[] t = new int[target.dims()[a]];
      for (int n = 0; n < t.length; n++) {
        double p = map[a][0] * n + map[a][1];
        int i = (int) Math.floor(p + 0.5 + 1e-9);
        if (p < -0.5 - 1e-6 || p > sd[a] - 0.5 + 1e-6) {
          t[n] = -1;
        } else {
          t[n] = Math.min(sd[a] - 1, Math.max(0, i)) * stride[a];
        }
      }
      tables[a] = t;
    }
    return new Volume<>(VoxelRemap.copy(src.img(), target.dims(), tables[0], tables[1], tables[2], fill), target.geometry());
  }

  /** Linear (separable trilinear) resampling of a CT volume onto an aligned grid. */
  public static Volume<FloatType> linear(Volume<FloatType> src, Grid target, float fill) {
    double[][] map = axisMap(src, target);
    float[] data = Volume.floats(src);
    int[] dims = src.dims();
    for (int a = 0; a < 3; a++) {
      int outN = target.dims()[a];
      boolean identity = outN == dims[a] && Math.abs(map[a][0] - 1) < 1e-9 && Math.abs(map[a][1]) < 1e-9;
      if (identity) continue;
      data = resampleAxis(data, dims, a, outN, map[a][0], map[a][1], fill);
      dims = dims.clone();
      dims[a] = outN;
    }
    if (data == Volume.floats(src)) data = data.clone();
    return Volume.ofFloats(data, dims, target.geometry());
  }

  /**
   * For each output axis a: input index = map[a][0] * outputIndex + map[a][1]. Throws if the
   * grids are not aligned (rotated or permuted relative to each other).
   */
  static double[][] axisMap(Volume<?> src, Grid target) {
    double[][] s = src.geometry().affine();
    double[][] t = target.geometry().affine();
    double[][] inv = invert3x4(s);
    double[][] m = new double[3][4]; // src index = inv * target affine * target index
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 4; c++) {
        double v = 0;
        for (int k = 0; k < 3; k++) v += inv[r][k] * t[k][c];
        if (c == 3) v += inv[r][3];
        m[r][c] = v;
      }
    }
    double[][] map = new double[3][2];
    for (int a = 0; a < 3; a++) {
      for (int c = 0; c < 3; c++) {
        if (c != a && Math.abs(m[a][c]) > 1e-6) {
          throw new IllegalArgumentException("grids are not axis-aligned; reorient first");
        }
      }
      map[a][0] = m[a][a];
      map[a][1] = m[a][3];
    }
    return map;
  }

  private static float[] resampleAxis(float[] in, int[] d, int axis, int outN, double scale, double offset, float fill) {
    int inN = d[axis];
    int[] i0 = new int[outN];
    float[] w1 = new float[outN];
    boolean[] outside = new boolean[outN];
    for (int n = 0; n < outN; n++) {
      double p = scale * n + offset;
      outside[n] = p < -0.5 - 1e-6 || p > inN - 0.5 + 1e-6;
      p = Math.max(0, Math.min(inN - 1, p));
      int f = (int) Math.floor(p);
      if (f >= inN - 1) f = Math.max(0, inN - 2);
      i0[n] = f;
      w1[n] = inN == 1 ? 0 : (float) (p - f);
    }
    int[] od = d.clone();
    od[axis] = outN;
    float[] out = new float[od[0] * od[1] * od[2]];
    int inStride = axis == 0 ? 1 : axis == 1 ? d[0] : d[0] * d[1];
    int outer = axis == 2 ? 1 : axis == 1 ? d[2] : d[1] * d[2];
    int inner = axis == 0 ? 1 : axis == 1 ? d[0] : d[0] * d[1];
    // index = outerIdx * (n * inner) + axisIdx * inner + innerIdx, for both arrays
    for (int o = 0; o < outer; o++) {
      int inBase = o * inN * inner;
      int outBase = o * outN * inner;
      for (int n = 0; n < outN; n++) {
        int outRow = outBase + n * inner;
        if (outside[n]) {
          java.util.Arrays.fill(out, outRow, outRow + inner, fill);
          continue;
        }
        int r0 = inBase + i0[n] * inner;
        int r1 = inN == 1 ? r0 : r0 + inStride;
        float w = w1[n];
        float v = 1 - w;
        for (int k = 0; k < inner; k++) out[outRow + k] = v * in[r0 + k] + w * in[r1 + k];
      }
    }
    return out;
  }

  private static double[][] invert3x4(double[][] a) {
    double a00 = a[0][0], a01 = a[0][1], a02 = a[0][2];
    double a10 = a[1][0], a11 = a[1][1], a12 = a[1][2];
    double a20 = a[2][0], a21 = a[2][1], a22 = a[2][2];
    double det = a00 * (a11 * a22 - a12 * a21) - a01 * (a10 * a22 - a12 * a20) + a02 * (a10 * a21 - a11 * a20);
    if (det == 0 || !Double.isFinite(det)) throw new IllegalArgumentException("affine is singular");
    double[][] r = new double[3][4];
    r[0][0] = (a11 * a22 - a12 * a21) / det;
    r[0][1] = (a02 * a21 - a01 * a22) / det;
    r[0][2] = (a01 * a12 - a02 * a11) / det;
    r[1][0] = (a12 * a20 - a10 * a22) / det;
    r[1][1] = (a00 * a22 - a02 * a20) / det;
    r[1][2] = (a02 * a10 - a00 * a12) / det;
    r[2][0] = (a10 * a21 - a11 * a20) / det;
    r[2][1] = (a01 * a20 - a00 * a21) / det;
    r[2][2] = (a00 * a11 - a01 * a10) / det;
    for (int i = 0; i < 3; i++) r[i][3] = -(r[i][0] * a[0][3] + r[i][1] * a[1][3] + r[i][2] * a[2][3]);
    return r;
  }
}
