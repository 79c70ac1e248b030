package org.medvlm.preprocess;

import net.imglib2.type.numeric.real.FloatType;
import org.medvlm.volume.Crop;
import org.medvlm.volume.Volume;

/**
 * Finds the body's bounding box: voxels above a HU threshold, projected onto the axial plane, of
 * which the largest 4-connected region is the body (this drops the scanner table and stray air
 * noise), plus a margin. Slices without body voxels at either end are dropped.
 */
final class BodyCrop {
  private BodyCrop() {}

  static Crop find(Volume<FloatType> hu, double threshold, double marginMm) {
    int[] d = hu.dims();
    float[] v = Volume.floats(hu);
    int plane = d[0] * d[1];
    boolean[] proj = new boolean[plane];
    for (int z = 0; z < d[2]; z++) {
      int off = z * plane;
      for (int i = 0; i < plane; i++) if (v[off + i] > threshold) proj[i] = true;
    }
    boolean[] body = largestComponent(proj, d[0], d[1]);
    int x0 = d[0], x1 = -1, y0 = d[1], y1 = -1;
    for (int y = 0; y < d[1]; y++) {
      for (int x = 0; x < d[0]; x++) {
        if (body[y * d[0] + x]) {
          x0 = Math.min(x0, x); x1 = Math.max(x1, x);
          y0 = Math.min(y0, y); y1 = Math.max(y1, y);
        }
      }
    }
    if (x1 < 0) return new Crop(new int[3], d);
    int z0 = d[2], z1 = -1;
    for (int z = 0; z < d[2]; z++) {
      int off = z * plane;
      for (int i = 0; i < plane; i++) {
        if (body[i] && v[off + i] > threshold) {
          z0 = Math.min(z0, z);
          z1 = z;
          break;
        }
      }
    }
    double[] s = hu.geometry().spacing();
    int mx = (int) Math.ceil(marginMm / s[0]), my = (int) Math.ceil(marginMm / s[1]), mz = (int) Math.ceil(marginMm / s[2]);
    int[] min = {Math.max(0, x0 - mx), Math.max(0, y0 - my), Math.max(0, z0 - mz)};
    int[] max = {Math.min(d[0], x1 + 1 + mx), Math.min(d[1], y1 + 1 + my), Math.min(d[2], z1 + 1 + mz)};
    return new Crop(min, max);
  }

  private static boolean[] largestComponent(boolean[] mask, int w, int h) {
    int[] label = new int[mask.length];
    int[] queue = new int[mask.length];
    int best = 0, bestSize = 0, next = 0;
    for (int start = 0; start < mask.length; start++) {
      if (!mask[start] || label[start] != 0) continue;
      next++;
      int head = 0, tail = 0;
      queue[tail++] = start;
      label[start] = next;
      while (head < tail) {
        int p = queue[head++];
        int x = p % w, y = p / w;
        if (x > 0 && mask[p - 1] && label[p - 1] == 0) { label[p - 1] = next; queue[tail++] = p - 1; }
        if (x < w - 1 && mask[p + 1] && label[p + 1] == 0) { label[p + 1] = next; queue[tail++] = p + 1; }
        if (y > 0 && mask[p - w] && label[p - w] == 0) { label[p - w] = next; queue[tail++] = p - w; }
        if (y < h - 1 && mask[p + w] && label[p + w] == 0) { label[p + w] = next; queue[tail++] = p + w; }
      }
      if (tail > bestSize) {
        bestSize = tail;
        best = next;
      }
    }
    boolean[] out = new boolean[mask.length];
    for (int i = 0; i < mask.length; i++) out[i] = best != 0 && label[i] == best;
    return out;
  }
}
