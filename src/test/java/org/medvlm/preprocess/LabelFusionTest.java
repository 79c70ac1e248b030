package org.medvlm.preprocess;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import net.imglib2.type.numeric.integer.IntType;
import net.imglib2.type.numeric.real.FloatType;
import org.junit.jupiter.api.Test;
import org.medvlm.TestData;
import org.medvlm.io.NiftiReader;
import org.medvlm.volume.Volume;

/** Fusing score maps on the original grid, on the real CT and its reference segmentation. */
class LabelFusionTest {
  private static final PreprocessConfig NATIVE = PreprocessConfig.defaults().withSpacing(new double[] {Double.NaN, Double.NaN, Double.NaN});

  @Test
  void atTheCropsOwnSizeTheOneHotMapsGiveTheLabelsBackExactly() throws Exception {
    Volume<FloatType> ct = NiftiReader.readImage(TestData.ctSmall());
    Volume<IntType> seg = NiftiReader.readLabels(TestData.seg());
    int side = new Preprocessor(NATIVE).prepare(ct).mapping().resize().side();
    PreparedVolume p = new Preprocessor(NATIVE.withSize(side)).prepare(ct, seg);
    Volume<IntType> back = fuseOneHot(p, LabelFusion.ofProbabilities(p.mapping()));
    assertTrue(back.sameGrid(seg, 0));
    assertArrayEquals(Volume.ints(seg), Volume.ints(back));
  }

  /**
   * At a reduced model size, resizing the maps back before deciding keeps organs closer to the
   * reference than resizing the decided labels, most of all the small ones (the reason it exists).
   */
  @Test
  void resizingMapsBackBeatsResizingLabelsBack() throws Exception {
    Volume<FloatType> ct = NiftiReader.readImage(TestData.ctSmall());
    Volume<IntType> seg = NiftiReader.readLabels(TestData.seg());
    PreparedVolume p = new Preprocessor(NATIVE.withSize(64)).prepare(ct, seg);
    int[] ref = Volume.ints(seg);
    int[] fused = Volume.ints(fuseOneHot(p, LabelFusion.ofProbabilities(p.mapping())));
    int[] nearest = Volume.ints(p.mapping().labelsToOriginal(p.labels()));
    double sumFused = 0, sumNearest = 0;
    int organs = 0;
    for (int id : ids(ref)) { // TotalSegmentator's ids
      double n = dice(nearest, ref, id), f = dice(fused, ref, id);
      System.out.printf("organ %2d: labels resized %.3f, maps resized %.3f%n", id, n, f);
      assertTrue(f > n - 0.02, "organ " + id + ": " + f + " against " + n);
      sumFused += f;
      sumNearest += n;
      organs++;
    }
    assertTrue(organs >= 20, "structures in the reference: " + organs);
    assertTrue(sumFused / organs > sumNearest / organs + 0.01, "mean Dice " + sumFused / organs + " against " + sumNearest / organs);
  }

  @Test
  void logitsCompeteWithBackgroundWhileProbabilitiesNeedMoreThanHalf() {
    SquareResize r = new SquareResize(2, 2, 2);
    var mapping = new SliceMapping(null, null, null, null, new org.medvlm.volume.Crop(new int[3], new int[] {2, 2, 1}), r);
    float[] organ = {0.4f, 0.6f, 0.2f, 0.9f};
    float[] other = {0.3f, 0.7f, 0.1f, 0.5f};
    float[] background = {0.1f, 0.1f, 0.3f, 0.9f};
    LabelFusion probabilities = LabelFusion.ofProbabilities(mapping);
    probabilities.add(1, 0, organ, 0);
    probabilities.add(2, 0, other, 0);
    assertArrayEquals(new int[] {0, 2, 0, 1}, decided(probabilities, mapping));
    LabelFusion logits = LabelFusion.ofLogits(mapping);
    logits.add(0, 0, background, 0);
    logits.add(1, 0, organ, 0);
    logits.add(2, 0, other, 0);
    assertArrayEquals(new int[] {1, 2, 0, 0}, decided(logits, mapping), "the first of equal scores wins");
  }

  private static int[] decided(LabelFusion fusion, SliceMapping mapping) { // the test mapping has no original grid
    return fusion.croppedLabels();
  }

  private static Volume<IntType> fuseOneHot(PreparedVolume p, LabelFusion fusion) {
    int s2 = p.size() * p.size();
    float[] map = new float[s2];
    for (int id : ids(p.labels())) {
      for (int z = 0; z < p.depth(); z++) {
        for (int i = 0; i < s2; i++) map[i] = p.labels()[z * s2 + i] == id ? 1f : 0f;
        fusion.add(id, z, map, 0);
      }
    }
    return fusion.toOriginal();
  }

  private static int[] ids(int[] labels) {
    return Arrays.stream(labels).filter(l -> l != 0).distinct().sorted().toArray();
  }

  private static double dice(int[] a, int[] b, int id) {
    long inter = 0, na = 0, nb = 0;
    for (int i = 0; i < a.length; i++) {
      if (a[i] == id) na++;
      if (b[i] == id) nb++;
      if (a[i] == id && b[i] == id) inter++;
    }
    return nb == 0 ? Double.NaN : 2.0 * inter / (na + nb);
  }
}
