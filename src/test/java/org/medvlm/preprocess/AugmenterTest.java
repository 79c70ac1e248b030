package org.medvlm.preprocess;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class AugmenterTest {
  private static Augmenter.Sample sample() {
    float[] img = new float[2 * 16];
    int[] lab = new int[16];
    for (int i = 0; i < 16; i++) { img[i] = i; img[16 + i] = 100 + i; lab[i] = i; }
    return new Augmenter.Sample(img, lab, 4);
  }

  @Test
  void sameSeedSameResultAndLabelsFollowTheImage() {
    Augmenter a = new Augmenter(AugmentConfig.defaults());
    int changed = 0;
    for (long seed = 0; seed < 50; seed++) {
      Augmenter.Sample x = a.apply(sample(), seed);
      Augmenter.Sample y = a.apply(sample(), seed);
      assertArrayEquals(x.image(), y.image());
      assertArrayEquals(x.labels(), y.labels());
      int[] sorted = x.labels().clone();
      java.util.Arrays.sort(sorted);
      for (int i = 0; i < 16; i++) assertEquals(i, sorted[i], "spatial transforms are permutations");
      if (!java.util.Arrays.equals(x.labels(), sample().labels())) changed++;
    }
    assertTrue(changed > 20, "spatial augmentation happens often: " + changed);
  }

  @Test
  void spatialOnlyAugmentationMovesImageAndLabelsTogether() {
    Augmenter a = new Augmenter(new AugmentConfig(0.5, 0.5, 0.8, 0, 0, 0, 0, 0, 0));
    for (long seed = 0; seed < 30; seed++) {
      Augmenter.Sample x = a.apply(sample(), seed);
      for (int i = 0; i < 16; i++) {
        assertEquals(x.labels()[i], x.image()[i], 0f);
        assertEquals(100 + x.labels()[i], x.image()[16 + i], 0f);
      }
    }
  }

  @Test
  void quarterTurnsAndFlips() {
    // one counter-clockwise turn of [[0,1],[2,3]] (row-major, y down) gives [[1,3],[0,2]]
    assertArrayEquals(new int[] {1, 3, 0, 2}, Augmenter.spatialMap(2, false, false, 1));
    assertArrayEquals(new int[] {1, 0, 3, 2}, Augmenter.spatialMap(2, true, false, 0));
    assertArrayEquals(new int[] {2, 3, 0, 1}, Augmenter.spatialMap(2, false, true, 0));
    assertArrayEquals(new int[] {3, 2, 1, 0}, Augmenter.spatialMap(2, false, false, 2));
  }

  @Test
  void noneLeavesTheSampleAlone() {
    Augmenter.Sample x = new Augmenter(AugmentConfig.none()).apply(sample(), 3);
    assertArrayEquals(sample().image(), x.image());
    assertArrayEquals(sample().labels(), x.labels());
  }

  @Test
  void poseIdentityAndWholePixelShiftsAreExact() {
    float[] img = new float[2 * 36];
    int[] lab = new int[36];
    for (int i = 0; i < 36; i++) { img[i] = i; img[36 + i] = -i; lab[i] = i; }
    Augmenter.Pose identity = new Augmenter.Pose(6, 0, 1, 0, 0);
    assertArrayEquals(img, identity.image(img, 2), 1e-5f);
    assertArrayEquals(lab, identity.labels(lab));
    // moved one pixel right and two down: output (x, y) shows input (x - 1, y - 2), 0 from outside
    Augmenter.Pose move = new Augmenter.Pose(6, 0, 1, 1, 2);
    float[] moved = move.image(img, 2);
    int[] movedLab = move.labels(lab);
    for (int y = 0; y < 6; y++) {
      for (int x = 0; x < 6; x++) {
        boolean inside = x >= 1 && y >= 2;
        int from = (y - 2) * 6 + (x - 1);
        assertEquals(inside ? from : 0, moved[y * 6 + x], 1e-5f);
        assertEquals(inside ? -from : 0, moved[36 + y * 6 + x], 1e-5f);
        assertEquals(inside ? from : 0, movedLab[y * 6 + x]);
      }
    }
  }

  @Test
  void poseQuarterTurnMatchesTheExactTurnAndZoomGrowsAnOrgan() {
    int s = 8;
    int[] lab = new int[s * s];
    for (int i = 0; i < lab.length; i++) lab[i] = i;
    int[] turned = new Augmenter.Pose(s, Math.PI / 2, 1, 0, 0).labels(lab);
    int[] exact = Augmenter.spatialMap(s, false, false, 1);
    int[] viaMap = new int[s * s];
    for (int i = 0; i < viaMap.length; i++) viaMap[i] = lab[exact[i]];
    assertTrue(java.util.Arrays.equals(turned, viaMap) || java.util.Arrays.equals(turned, turnedThreeTimes(lab, s)),
        "a pose turn of 90 degrees is one of the exact quarter turns");
    int[] square = new int[s * s];
    for (int y = 2; y < 6; y++) for (int x = 2; x < 6; x++) square[y * s + x] = 1;
    assertTrue(count(new Augmenter.Pose(s, 0, 1.5, 0, 0).labels(square)) > count(square));
    assertTrue(count(new Augmenter.Pose(s, 0, 0.5, 0, 0).labels(square)) < count(square));
  }

  @Test
  void thePoseSetKeepsLeftAndRightOrgansOnTheirSides() {
    int s = 32;
    Augmenter.Sample slice = leftAndRightOrgans(s);
    float[] img = slice.image();
    int[] lab = slice.labels();
    Augmenter a = new Augmenter(AugmentConfig.named("pose"));
    int posed = 0;
    for (long seed = 0; seed < 40; seed++) {
      Augmenter.Sample x = a.apply(new Augmenter.Sample(img, lab, s), seed);
      assertTrue(meanX(x.labels(), 2, s) < s / 2.0 && meanX(x.labels(), 3, s) > s / 2.0, "seed " + seed);
      assertTrue(count(x.labels()) > 0);
      if (!java.util.Arrays.equals(x.labels(), lab)) posed++;
    }
    assertTrue(posed > 15 && posed < 40, "about 70% of the slices change pose: " + posed);
  }

  @Test
  void theStrongSetKeepsLeftAndRightAndItsIntensityChangesKeepTheImagesShape() {
    int s = 32;
    Augmenter.Sample slice = leftAndRightOrgans(s);
    float[] img = slice.image();
    int[] lab = slice.labels();
    Augmenter a = new Augmenter(AugmentConfig.named("strong"));
    for (long seed = 0; seed < 40; seed++) {
      Augmenter.Sample x = a.apply(new Augmenter.Sample(img, lab, s), seed);
      assertTrue(meanX(x.labels(), 2, s) < s / 2.0 && meanX(x.labels(), 3, s) > s / 2.0, "seed " + seed);
      assertArrayEquals(x.labels(), a.apply(new Augmenter.Sample(img, lab, s), seed).labels(), "replays from its seed");
    }
    float[] flat = new float[s * s];
    java.util.Arrays.fill(flat, 0.4f);
    for (float v : Augmenter.blur(flat, 1, s, 0.8)) assertEquals(0.4f, v, 1e-6f);
    for (float v : Augmenter.lowResolution(flat, 1, s, 0.6)) assertEquals(0.4f, v, 1e-6f);
    float[] g = Augmenter.gamma(img, 1.4);
    assertEquals(0f, g[0], 1e-6f); // the sample's range stays
    assertEquals(0.8f, g[12 * s + 4], 1e-6f);
    assertTrue(g[12 * s + 24] < 0.6f, "gamma > 1 darkens the middle of the range");
    float[] b = Augmenter.blur(img, 1, s, 1.0);
    assertTrue(b[12 * s + 3] < 0.8f && b[12 * s + 2] > 0f, "an edge is softened");
  }

  /** A 32 x 32 slice with a right kidney (2) on the image's left and a left kidney (3) on its right. */
  private static Augmenter.Sample leftAndRightOrgans(int s) {
    float[] img = new float[s * s];
    int[] lab = new int[s * s];
    for (int y = 12; y < 20; y++) {
      for (int x = 3; x < 9; x++) { lab[y * s + x] = 2; img[y * s + x] = 0.8f; }
      for (int x = 23; x < 29; x++) { lab[y * s + x] = 3; img[y * s + x] = 0.6f; }
    }
    return new Augmenter.Sample(img, lab, s);
  }

  private static int[] turnedThreeTimes(int[] lab, int s) {
    int[] map = Augmenter.spatialMap(s, false, false, 3);
    int[] out = new int[lab.length];
    for (int i = 0; i < out.length; i++) out[i] = lab[map[i]];
    return out;
  }

  private static int count(int[] lab) {
    int n = 0;
    for (int v : lab) if (v != 0) n++;
    return n;
  }

  private static double meanX(int[] lab, int label, int s) {
    double sum = 0;
    int n = 0;
    for (int i = 0; i < lab.length; i++) if (lab[i] == label) { sum += i % s; n++; }
    return sum / n;
  }
}
