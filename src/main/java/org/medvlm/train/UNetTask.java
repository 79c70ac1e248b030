package org.medvlm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.medvlm.data.Organ;
import org.medvlm.infer.Prediction;
import org.medvlm.infer.SliceProgress;
import org.medvlm.infer.UNetPredictor;
import org.medvlm.model.UNetConfig;
import org.medvlm.preprocess.Augmenter;
import org.medvlm.preprocess.PreparedVolume;

/** Training of the 2D U-Net baseline ({@link UNetPredictor}): cross-entropy + Dice on its multi-class maps. */
public final class UNetTask implements SegmentationTask {
  public static final String TYPE = UNetPredictor.TYPE;

  private final UNetPredictor unet;
  private final int[] classToBtcv;
  private float[] classWeights; // null: unweighted

  public UNetTask(UNetConfig config, List<Organ> organs, int size) {
    this.unet = new UNetPredictor(config, organs, size);
    this.classToBtcv = unet.classIds();
  }

  @Override
  public UNetPredictor model() {
    return unet;
  }

  @Override
  public void weightOrgans(float[] byId) {
    float[] w = new float[classToBtcv.length];
    boolean uniform = true;
    for (int c = 0; c < w.length; c++) {
      w[c] = byId[classToBtcv[c]];
      uniform &= w[c] == 1f;
    }
    classWeights = uniform ? null : w;
  }

  @Override
  public NDArray loss(NDManager step, Replicas replicas, List<Augmenter.Sample> batch, boolean training) {
    int size = unet.size();
    int s2 = size * size;
    int c = unet.block().config().inChannels();
    NDArray logits = replicas.forward(step, batch.size(), (m, ps, from, to) -> {
      float[] x = new float[(to - from) * c * s2];
      for (int b = from; b < to; b++) System.arraycopy(batch.get(b).image(), 0, x, (b - from) * c * s2, c * s2);
      NDArray input = m.create(x, new Shape(to - from, c, size, size));
      return unet.block().forward(ps, new NDList(input), training);
    }).head();
    int[] y = new int[batch.size() * s2];
    for (int b = 0; b < batch.size(); b++) {
      int[] l = batch.get(b).labels();
      for (int i = 0; i < s2; i++) y[b * s2 + i] = unet.classOf(l[i]);
    }
    NDArray target = step.create(y, new Shape(batch.size(), size, size));
    return SegmentationLoss.of(logits, target, classWeights == null ? null : step.create(classWeights), labelledClasses(step, batch));
  }

  /** Which of its classes each sample labels (N, C), or null when every sample labels all. */
  private NDArray labelledClasses(NDManager step, List<Augmenter.Sample> batch) {
    int classes = classToBtcv.length;
    float[] m = new float[batch.size() * classes];
    boolean partial = false;
    for (int b = 0; b < batch.size(); b++) {
      for (int k = 0; k < classes; k++) {
        boolean known = k == 0 || batch.get(b).isLabelled(classToBtcv[k]);
        m[b * classes + k] = known ? 1 : 0;
        partial |= !known;
      }
    }
    return partial ? step.create(m, new Shape(batch.size(), classes)) : null;
  }

  /** The prediction, with the unweighted loss of every batch against the volume's own labels. */
  @Override
  public Prediction validate(NDManager manager, ParameterStore ps, PreparedVolume v, int batchSize) {
    int s2 = unet.size() * unet.size();
    return unet.run(manager, ps, v, batchSize, (step, logits, z0, n) -> {
      int[] y = new int[n * s2];
      for (int i = 0; i < y.length; i++) y[i] = unet.classOf(v.labels()[z0 * s2 + i]);
      return SegmentationLoss.of(logits, step.create(y, new Shape(n, unet.size(), unet.size()))).getFloat();
    }, SliceProgress.NONE);
  }
}
