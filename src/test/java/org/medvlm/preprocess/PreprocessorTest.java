package org.medvlm.preprocess;

import static org.junit.jupiter.api.Assertions.*;

import net.imglib2.type.numeric.integer.IntType;
import net.imglib2.type.numeric.real.FloatType;
import org.junit.jupiter.api.Test;
import org.medvlm.TestData;
import org.medvlm.io.NiftiReader;
import org.medvlm.volume.Geometry;
import org.medvlm.volume.Volume;

class PreprocessorTest {
  @Test
  void labelsSurvivePreprocessingAndItsInverseExactlyAtNativeSpacing() throws Exception {
    Volume<FloatType> ct = NiftiReader.readImage(TestData.ctSmall());
    Volume<IntType> seg = NiftiReader.readLabels(TestData.seg());
    PreprocessConfig native224 = PreprocessConfig.defaults().withSpacing(new double[] {Double.NaN, Double.NaN, Double.NaN});
    PreparedVolume p = new Preprocessor(native224).prepare(ct, seg);
    Volume<IntType> back = p.mapping().labelsToOriginal(p.labels());
    assertTrue(back.sameGrid(seg, 0), "exactly the input grid");
    assertEquals(seg.geometry(), back.geometry());
    int[] a = Volume.ints(seg), b = Volume.ints(back);
    int organVoxels = 0;
    for (int i = 0; i < a.length; i++) {
      if (a[i] != 0) organVoxels++;
      assertEquals(a[i], b[i], "voxel " + i);
    }
    assertTrue(organVoxels > 50000);
  }

  @Test
  void defaultPreprocessingOfRealCt() throws Exception {
    Volume<FloatType> ct = NiftiReader.readImage(TestData.ctSmall());
    Volume<IntType> seg = NiftiReader.readLabels(TestData.seg());
    PreparedVolume p = new Preprocessor(PreprocessConfig.defaults()).prepare(ct, seg);
    assertEquals(224, p.size());
    assertTrue(p.depth() >= 25 && p.depth() <= 30, "depth " + p.depth());
    float min = 1, max = 0;
    for (float v : p.image()) { min = Math.min(min, v); max = Math.max(max, v); }
    assertEquals(0f, min);
    assertEquals(1f, max);
    // labels come back onto the 3 mm grid with high overlap per organ (liver is 5)
    Volume<IntType> back = p.mapping().labelsToOriginal(p.labels());
    int[] a = Volume.ints(seg), b = Volume.ints(back);
    for (int organ : new int[] {1, 5}) {
      long inter = 0, na = 0, nb = 0;
      for (int i = 0; i < a.length; i++) {
        if (a[i] == organ) na++;
        if (b[i] == organ) nb++;
        if (a[i] == organ && b[i] == organ) inter++;
      }
      assertTrue(2.0 * inter / (na + nb) > 0.97, "organ " + organ + " Dice " + 2.0 * inter / (na + nb));
    }
    float[] prob = new float[p.depth() * 224 * 224];
    for (int i = 0; i < prob.length; i++) prob[i] = p.labels()[i] == 5 ? 1f : 0f;
    Volume<FloatType> liverProb = p.mapping().probabilitiesToOriginal(prob);
    assertTrue(liverProb.sameGrid(ct, 0));
  }

  @Test
  void bodyCropDropsTheTableAndAir() {
    int[] d = {60, 60, 4};
    float[] hu = new float[60 * 60 * 4];
    java.util.Arrays.fill(hu, -1000f);
    for (int z = 0; z < 4; z++) for (int y = 10; y < 40; y++) for (int x = 15; x < 45; x++) hu[x + 60 * (y + 60 * z)] = 40f;
    for (int z = 0; z < 4; z++) for (int x = 0; x < 60; x++) hu[x + 60 * (55 + 60 * z)] = 300f; // table, detached
    Volume<FloatType> v = Volume.ofFloats(hu, d, Geometry.of(new double[] {1, 1, 1}, new double[3]));
    var crop = BodyCrop.find(v, -500, 2);
    assertArrayEquals(new int[] {13, 8, 0}, crop.min());
    assertArrayEquals(new int[] {47, 42, 4}, crop.max());
  }

  @Test
  void contextSlicesRepeatAtTheEnds() {
    float[] img = new float[3 * 4];
    for (int z = 0; z < 3; z++) java.util.Arrays.fill(img, z * 4, z * 4 + 4, z);
    SquareResize r = new SquareResize(2, 2, 2);
    var mapping = new SliceMapping(null, null, null, null, new org.medvlm.volume.Crop(new int[3], new int[] {2, 2, 3}), r);
    PreparedVolume p = new PreparedVolume(img, null, mapping, 3);
    assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1}, p.input(0));
    assertArrayEquals(new float[] {1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2}, p.input(2));
  }

  @Test
  void configSurvivesJson() {
    PreprocessConfig c = PreprocessConfig.defaults().withContextSlices(3);
    assertEquals(c, PreprocessConfig.fromJson(c.toJson()));
  }
}
