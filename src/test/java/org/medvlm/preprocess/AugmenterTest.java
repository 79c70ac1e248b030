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
}
