package org.medvlm.train;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.medvlm.data.Organ;
import org.medvlm.model.UNetConfig;
import org.medvlm.preprocess.Augmenter;

/**
 * The marginal loss of partially labelled samples: an organ a sample does not label is never
 * taught as background on it (today's loss pushes it down everywhere the label reads 0), and
 * with every organ labelled the loss is the plain one.
 */
class PartialLabelLossTest {
  /** Logits (2 samples, 3 classes, 4 x 4), all pixels labelled background. */
  private static NDArray logits(NDManager m) {
    Random r = new Random(3);
    float[] x = new float[2 * 3 * 16];
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian() * 2;
    return m.create(x, new Shape(2, 3, 4, 4));
  }

  private static float[] gradient(NDManager m, NDArray mask) {
    NDArray x = logits(m);
    x.setRequiresGradient(true);
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray loss = SegmentationLoss.of(x, m.zeros(new Shape(2, 4, 4), ai.djl.ndarray.types.DataType.INT32), null, mask);
      gc.backward(loss);
    }
    return x.getGradient().toFloatArray();
  }

  @Test
  void anOrganASampleDoesNotLabelIsNotTaughtAsBackgroundThere() {
    try (NDManager m = NDManager.newBaseManager()) {
      // sample 0 labels classes 0 and 1 only; sample 1 labels all three
      NDArray mask = m.create(new float[] {1, 1, 0, 1, 1, 1}, new Shape(2, 3));
      float[] g = gradient(m, mask);
      float[] plain = gradient(m, null);
      double plainPush = 0;
      for (int i = 0; i < 16; i++) {
        int at = 2 * 16 + i; // sample 0, class 2
        assertTrue(g[at] <= 1e-7, "class 2 on sample 0 must not be pushed down: gradient " + g[at]);
        plainPush += plain[at];
      }
      assertTrue(plainPush > 1e-3, "the plain loss does push it down (" + plainPush + "): the test can fail");
      // on the fully labelled sample, class 2 is still taught as background
      double taught = 0;
      for (int i = 0; i < 16; i++) taught += g[(3 + 2) * 16 + i];
      assertTrue(taught > 1e-3, "sample 1 labels class 2: " + taught);
    }
  }

  @Test
  void withEveryOrganLabelledTheLossIsThePlainOne() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = logits(m);
      NDArray y = m.create(new int[] {0, 1, 2, 0, 1, 1, 2, 0, 0, 0, 1, 2, 2, 1, 0, 0, 0, 1, 2, 0, 1, 1, 2, 0, 0, 0, 1, 2, 2, 1, 0, 0}, new Shape(2, 4, 4));
      float plain = SegmentationLoss.of(x, y).getFloat();
      float masked = SegmentationLoss.of(x, y, null, m.ones(new Shape(2, 3))).getFloat();
      assertEquals(plain, masked, 1e-5f);
      NDArray w = m.create(new float[] {1, 2, 3});
      assertEquals(SegmentationLoss.of(x, y, w).getFloat(), SegmentationLoss.of(x, y, w, m.ones(new Shape(2, 3))).getFloat(), 1e-5f);
    }
  }

  @Test
  void theUNetTaskPassesEachSamplesLabelledOrgans() {
    UNetTask task = new UNetTask(new UNetConfig(1, 3, 4, 1), List.of(Organ.SPLEEN, Organ.LIVER), 8);
    try (NDManager m = NDManager.newBaseManager()) {
      task.block().initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, task.inputShape(1));
      Replicas replicas = Replicas.of(task.block(), m, List.of(ai.djl.Device.cpu()));
      float[] img = new float[64];
      for (int i = 0; i < 64; i++) img[i] = (float) Math.sin(i);
      int[] lab = new int[64]; // all background
      float all = task.loss(m, replicas, List.of(new Augmenter.Sample(img, lab, 8)), false).getFloat();
      int spleenOnly = 1 | 1 << Organ.SPLEEN.id();
      float partial = task.loss(m, replicas, List.of(new Augmenter.Sample(img, lab, 8, 0, spleenOnly)), false).getFloat();
      // the liver's probability now counts as background: the cross-entropy can only fall, the liver's Dice term drops out
      assertNotEquals(all, partial);
      assertTrue(partial < all, partial + " vs " + all);
    }
  }
}
