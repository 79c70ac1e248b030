package org.medvlm.metrics;

import java.util.ArrayList;
import java.util.List;
import net.imglib2.type.numeric.integer.IntType;
import org.medvlm.data.Organ;
import org.medvlm.data.OrganSet;
import org.medvlm.volume.Volume;

/**
 * Compares a predicted label map with a reference on the same grid, organ by organ (BTCV ids).
 * Surface metrics run on the bounding box of both masks plus one voxel, which gives the same
 * distances as the full grid at a fraction of the cost.
 */
public final class Evaluator {
  /** Default tolerance of the normalised surface Dice, in mm. */
  public static final double DEFAULT_NSD_TOLERANCE_MM = 2.0;

  private final double nsdToleranceMm;
  private final boolean surfaces;

  public Evaluator(double nsdToleranceMm) {
    this(nsdToleranceMm, true);
  }

  /** @param surfaces false computes overlap and volumes only (HD95, ASSD and NSD stay null), for speed */
  public Evaluator(double nsdToleranceMm, boolean surfaces) {
    this.nsdToleranceMm = nsdToleranceMm;
    this.surfaces = surfaces;
  }

  /** @throws IllegalArgumentException if the grids differ */
  public List<OrganMetrics> evaluate(Volume<IntType> prediction, Volume<IntType> reference, List<Organ> organs) {
    return evaluate(prediction, reference, organs, OrganSet.ALL);
  }

  /**
   * Organs the reference does not label come out {@link OrganMetrics.Status#NOT_LABELLED}.
   *
   * @throws IllegalArgumentException if the grids differ
   */
  public List<OrganMetrics> evaluate(Volume<IntType> prediction, Volume<IntType> reference, List<Organ> organs, OrganSet labelled) {
    if (!prediction.sameGrid(reference, 1e-3)) throw new IllegalArgumentException("prediction and reference grids differ");
    int[] d = reference.dims();
    int[] p = Volume.ints(prediction), r = Volume.ints(reference);
    double[] spacing = reference.geometry().spacing();
    double voxelMl = spacing[0] * spacing[1] * spacing[2] / 1000.0;
    Boxes boxes = Boxes.of(p, r, d);
    List<OrganMetrics> out = new ArrayList<>();
    for (Organ organ : organs) {
      int id = organ.id();
      long np = boxes.count(0, id), nr = boxes.count(1, id);
      double mlP = np * voxelMl, mlR = nr * voxelMl;
      if (!labelled.contains(organ)) {
        out.add(new OrganMetrics(organ, OrganMetrics.Status.NOT_LABELLED, null, null, null, null, null, mlP, mlR));
        continue;
      }
      if (np == 0 && nr == 0) {
        out.add(new OrganMetrics(organ, OrganMetrics.Status.ABSENT, null, null, null, null, null, 0, 0));
        continue;
      }
      if (np == 0 || nr == 0) {
        var status = np == 0 ? OrganMetrics.Status.MISSED : OrganMetrics.Status.FALSE_POSITIVE;
        out.add(new OrganMetrics(organ, status, 0.0, 0.0, null, null, 0.0, mlP, mlR));
        continue;
      }
      int[] lo = new int[3], hi = new int[3];
      for (int a = 0; a < 3; a++) {
        lo[a] = Math.max(0, Math.min(boxes.min(0, id, a), boxes.min(1, id, a)) - 1);
        hi[a] = Math.min(d[a], Math.max(boxes.max(0, id, a), boxes.max(1, id, a)) + 2);
      }
      int[] bd = {hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]};
      boolean[] a = new boolean[bd[0] * bd[1] * bd[2]];
      boolean[] b = new boolean[a.length];
      long inter = 0;
      int k = 0;
      for (int z = lo[2]; z < hi[2]; z++) for (int y = lo[1]; y < hi[1]; y++) {
        int row = d[0] * (y + d[1] * z);
        for (int x = lo[0]; x < hi[0]; x++, k++) {
          a[k] = p[row + x] == id;
          b[k] = r[row + x] == id;
          if (a[k] && b[k]) inter++;
        }
      }
      double dice = 2.0 * inter / (np + nr);
      double iou = inter / (double) (np + nr - inter);
      if (!surfaces) {
        out.add(new OrganMetrics(organ, OrganMetrics.Status.PRESENT, dice, iou, null, null, null, mlP, mlR));
        continue;
      }
      SurfaceDistances sd = SurfaceDistances.of(a, b, bd, spacing);
      out.add(new OrganMetrics(organ, OrganMetrics.Status.PRESENT, dice, iou, sd.hd95(), sd.assd(), sd.nsd(nsdToleranceMm), mlP, mlR));
    }
    return out;
  }

  /** Per-label voxel counts and bounding boxes of both volumes, from one pass. */
  private record Boxes(long[][] counts, int[][][] min, int[][][] max) {
    static Boxes of(int[] p, int[] r, int[] d) {
      int n = Organ.MAX_ID + 1;
      long[][] counts = new long[2][n];
      int[][][] min = new int[2][n][3], max = new int[2][n][3];
      for (int v = 0; v < 2; v++) for (int l = 0; l < n; l++) {
        java.util.Arrays.fill(min[v][l], Integer.MAX_VALUE);
        java.util.Arrays.fill(max[v][l], -1);
      }
      int i = 0;
      for (int z = 0; z < d[2]; z++) for (int y = 0; y < d[1]; y++) for (int x = 0; x < d[0]; x++, i++) {
        add(counts[0], min[0], max[0], p[i], x, y, z);
        add(counts[1], min[1], max[1], r[i], x, y, z);
      }
      return new Boxes(counts, min, max);
    }

    private static void add(long[] counts, int[][] min, int[][] max, int l, int x, int y, int z) {
      if (l <= 0 || l >= counts.length) return;
      counts[l]++;
      int[] mn = min[l], mx = max[l];
      if (x < mn[0]) mn[0] = x;
      if (x > mx[0]) mx[0] = x;
      if (y < mn[1]) mn[1] = y;
      if (y > mx[1]) mx[1] = y;
      if (z < mn[2]) mn[2] = z;
      if (z > mx[2]) mx[2] = z;
    }

    long count(int v, int l) {
      return counts[v][l];
    }

    int min(int v, int l, int a) {
      return min[v][l][a];
    }

    int max(int v, int l, int a) {
      return max[v][l][a];
    }
  }
}
