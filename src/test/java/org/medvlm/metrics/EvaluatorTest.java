package org.medvlm.metrics;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Random;
import net.imglib2.type.numeric.integer.IntType;
import org.junit.jupiter.api.Test;
import org.medvlm.TestData;
import org.medvlm.data.LabelMap;
import org.medvlm.data.Organ;
import org.medvlm.io.NiftiReader;
import org.medvlm.volume.Geometry;
import org.medvlm.volume.Volume;

class EvaluatorTest {
  private static Volume<IntType> line(int[] labels, double spacingX) {
    return Volume.ofLabels(labels, new int[] {labels.length, 1, 1}, Geometry.of(new double[] {spacingX, 1, 1}, new double[3]));
  }

  /** A = voxels 1..3, B = voxels 2..5 on a line: every voxel is a surface voxel. */
  @Test
  void handComputedLineCase() {
    Volume<IntType> a = line(new int[] {0, 1, 1, 1, 0, 0, 0, 0}, 1);
    Volume<IntType> b = line(new int[] {0, 0, 1, 1, 1, 1, 0, 0}, 1);
    OrganMetrics m = new Evaluator(1.0).evaluate(a, b, List.of(Organ.SPLEEN)).get(0);
    assertEquals(OrganMetrics.Status.PRESENT, m.status());
    assertEquals(4.0 / 7, m.dice(), 1e-12);
    assertEquals(2.0 / 5, m.iou(), 1e-12);
    // directed distances A->B [1, 0, 0], B->A [0, 0, 1, 2]; numpy percentile 95: 0.9 and 1.85
    assertEquals(1.85, m.hd95(), 1e-12);
    assertEquals(4.0 / 7, m.assd(), 1e-12);
    assertEquals(6.0 / 7, m.nsd(), 1e-12);
    assertEquals(3e-3, m.predictedMl(), 1e-15);
    assertEquals(4e-3, m.referenceMl(), 1e-15);
  }

  @Test
  void distancesUseTheVoxelSpacing() {
    Volume<IntType> a = line(new int[] {0, 1, 1, 1, 0, 0, 0, 0}, 2.5);
    Volume<IntType> b = line(new int[] {0, 0, 1, 1, 1, 1, 0, 0}, 2.5);
    OrganMetrics m = new Evaluator(2.0).evaluate(a, b, List.of(Organ.SPLEEN)).get(0);
    assertEquals(1.85 * 2.5, m.hd95(), 1e-12);
    assertEquals(10.0 / 7, m.assd(), 1e-12);
    assertEquals(4.0 / 7, m.nsd(), 1e-12);
    assertEquals(3 * 2.5e-3, m.predictedMl(), 1e-15);
  }

  @Test
  void absentMissedAndSpuriousOrgans() {
    Volume<IntType> pred = line(new int[] {0, 1, 1, 0, 0, 0}, 1);
    Volume<IntType> ref = line(new int[] {0, 0, 0, 0, 6, 6}, 1);
    List<OrganMetrics> ms = new Evaluator(2).evaluate(pred, ref, List.of(Organ.SPLEEN, Organ.LIVER, Organ.AORTA));
    assertEquals(OrganMetrics.Status.FALSE_POSITIVE, ms.get(0).status());
    assertEquals(0.0, ms.get(0).dice());
    assertNull(ms.get(0).hd95());
    assertEquals(OrganMetrics.Status.MISSED, ms.get(1).status());
    assertEquals(0.0, ms.get(1).dice());
    assertEquals(OrganMetrics.Status.ABSENT, ms.get(2).status());
    assertNull(ms.get(2).dice(), "absent is neither 0 nor 1");
  }

  @Test
  void distanceTransformMatchesBruteForceWithAnisotropicSpacing() {
    Random rnd = new Random(3);
    int[] d = {9, 7, 5};
    double[] sp = {0.7, 1.3, 2.9};
    boolean[] f = new boolean[d[0] * d[1] * d[2]];
    for (int i = 0; i < f.length; i++) f[i] = rnd.nextDouble() < 0.04;
    double[] dt = DistanceTransform.squared(f, d, sp);
    for (int i = 0; i < f.length; i++) {
      double best = Double.POSITIVE_INFINITY;
      for (int j = 0; j < f.length; j++) {
        if (!f[j]) continue;
        double dx = (i % 9 - j % 9) * sp[0], dy = ((i / 9) % 7 - (j / 9) % 7) * sp[1], dz = (i / 63 - j / 63) * sp[2];
        best = Math.min(best, dx * dx + dy * dy + dz * dz);
      }
      assertEquals(best, dt[i], 1e-9);
    }
  }

  @Test
  void surfaceMetricsMatchBruteForceOnRandomBlobs() {
    Random rnd = new Random(11);
    int[] d = {12, 10, 8};
    double[] sp = {0.8, 0.8, 2.5};
    int[] a = new int[960], b = new int[960];
    for (int i = 0; i < 960; i++) {
      int x = i % 12, y = (i / 12) % 10, z = i / 120;
      a[i] = (x - 5) * (x - 5) + (y - 4) * (y - 4) + 2 * (z - 3) * (z - 3) < 12 + rnd.nextInt(4) ? 1 : 0;
      b[i] = (x - 6) * (x - 6) + (y - 5) * (y - 5) + 2 * (z - 4) * (z - 4) < 10 + rnd.nextInt(6) ? 1 : 0;
    }
    Geometry g = Geometry.of(sp, new double[3]);
    OrganMetrics m = new Evaluator(1.5).evaluate(Volume.ofLabels(a, d, g), Volume.ofLabels(b, d, g), List.of(Organ.SPLEEN)).get(0);
    boolean[] ma = new boolean[960], mb = new boolean[960];
    for (int i = 0; i < 960; i++) { ma[i] = a[i] == 1; mb[i] = b[i] == 1; }
    boolean[] sa = SurfaceDistances.surface(ma, d), sb = SurfaceDistances.surface(mb, d);
    double[] ab = brute(sa, sb, d, sp), ba = brute(sb, sa, d, sp);
    double hd95 = Math.max(SurfaceDistances.percentile(ab, 95), SurfaceDistances.percentile(ba, 95));
    double sum = 0;
    for (double v : ab) sum += v;
    for (double v : ba) sum += v;
    assertEquals(hd95, m.hd95(), 1e-9);
    assertEquals(sum / (ab.length + ba.length), m.assd(), 1e-9);
  }

  private static double[] brute(boolean[] from, boolean[] to, int[] d, double[] sp) {
    java.util.List<Double> out = new java.util.ArrayList<>();
    for (int i = 0; i < from.length; i++) {
      if (!from[i]) continue;
      double best = Double.POSITIVE_INFINITY;
      for (int j = 0; j < to.length; j++) {
        if (!to[j]) continue;
        double dx = (i % d[0] - j % d[0]) * sp[0];
        double dy = ((i / d[0]) % d[1] - (j / d[0]) % d[1]) * sp[1];
        double dz = (i / (d[0] * d[1]) - j / (d[0] * d[1])) * sp[2];
        best = Math.min(best, Math.sqrt(dx * dx + dy * dy + dz * dz));
      }
      out.add(best);
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  @Test
  void realSegmentationAgainstItself() throws Exception {
    LabelMap map = LabelMap.read(TestData.totalSegMap());
    Volume<IntType> seg = map.apply(NiftiReader.readLabels(TestData.seg()));
    List<OrganMetrics> ms = new Evaluator(2).evaluate(seg, seg, List.of(Organ.values()));
    int[] expectedVoxels = {9452, 3947, 3676, 1333, 0, 38634, 4675, 997, 1368, 901, 644, 152, 184};
    for (OrganMetrics m : ms) {
      if (m.organ() == Organ.ESOPHAGUS) {
        assertEquals(OrganMetrics.Status.ABSENT, m.status());
        continue;
      }
      assertEquals(1.0, m.dice(), m.organ().toString());
      assertEquals(0.0, m.hd95());
      assertEquals(expectedVoxels[m.organ().id() - 1] * 27 / 1000.0, m.referenceMl(), 1e-9, m.organ().toString());
    }
  }
}
