package org.medvlm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonObject;
import java.util.List;
import net.imglib2.type.numeric.integer.IntType;
import org.medvlm.data.Organ;
import org.medvlm.model.UNet;
import org.medvlm.model.UNetConfig;
import org.medvlm.preprocess.Augmenter;
import org.medvlm.preprocess.LabelFusion;
import org.medvlm.preprocess.PreparedVolume;
import org.medvlm.volume.Volume;

/** The 2D U-Net baseline as a {@link SegmentationTask}: one multi-class map per slice. */
public final class UNetTask implements SegmentationTask {
  public static final String TYPE = "unet";

  private final UNet block;
  private final int size;
  private final int[] btcvToClass = new int[Organ.MAX_ID + 1];
  private final int[] classToBtcv;
  private float[] classWeights; // null: unweighted

  public UNetTask(UNetConfig config, List<Organ> organs, int size) {
    if (config.classes() != organs.size() + 1) throw new IllegalArgumentException("classes must be organs + 1");
    this.block = new UNet(config);
    this.size = size;
    classToBtcv = new int[organs.size() + 1];
    for (int c = 0; c < organs.size(); c++) {
      btcvToClass[organs.get(c).id()] = c + 1;
      classToBtcv[c + 1] = organs.get(c).id();
    }
  }

  /** Rebuilds the task from {@link #describe()}. */
  public static UNetTask from(JsonObject d, List<Organ> organs, int size) {
    UNetConfig c = new UNetConfig(d.get("in_channels").getAsInt(), d.get("classes").getAsInt(), d.get("width").getAsInt(), d.get("depth").getAsInt());
    return new UNetTask(c, organs, size);
  }

  @Override
  public String modelType() {
    return TYPE;
  }

  @Override
  public Block block() {
    return block;
  }

  @Override
  public Shape inputShape(int batch) {
    return new Shape(batch, block.config().inChannels(), size, size);
  }

  @Override
  public JsonObject describe() {
    JsonObject o = new JsonObject();
    o.addProperty("in_channels", block.config().inChannels());
    o.addProperty("classes", block.config().classes());
    o.addProperty("width", block.config().width());
    o.addProperty("depth", block.config().depth());
    return o;
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
    int s2 = size * size;
    int c = block.config().inChannels();
    NDArray logits = replicas.forward(step, batch.size(), (m, ps, from, to) -> {
      float[] x = new float[(to - from) * c * s2];
      for (int b = from; b < to; b++) System.arraycopy(batch.get(b).image(), 0, x, (b - from) * c * s2, c * s2);
      NDArray input = m.create(x, new Shape(to - from, c, size, size));
      return block.forward(ps, new NDList(input), training);
    }).head();
    int[] y = new int[batch.size() * s2];
    for (int b = 0; b < batch.size(); b++) {
      int[] l = batch.get(b).labels();
      for (int i = 0; i < s2; i++) y[b * s2 + i] = btcvToClass[l[i]];
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

  @Override
  public Volume<IntType> predict(NDManager manager, ParameterStore ps, PreparedVolume v, int batchSize) {
    return run(manager, ps, v, batchSize, false).labels();
  }

  @Override
  public Validation validate(NDManager manager, ParameterStore ps, PreparedVolume v, int batchSize) {
    return run(manager, ps, v, batchSize, true);
  }

  /**
   * One inference-mode forward pass per batch of slices; the loss only when asked (needs labels).
   * Every class's logits, background included, go to the fusion, whose argmax on the original
   * grid is the prediction; the argmax on the model's grid gives the slices.
   */
  private Validation run(NDManager manager, ParameterStore ps, PreparedVolume v, int batchSize, boolean withLoss) {
    int s2 = size * size;
    int[] out = new int[v.depth() * s2];
    LabelFusion fusion = LabelFusion.ofLogits(v.mapping());
    int c = block.config().inChannels();
    double lossSum = 0;
    int batches = 0;
    for (int z0 = 0; z0 < v.depth(); z0 += batchSize) {
      int n = Math.min(batchSize, v.depth() - z0);
      try (NDManager step = manager.newSubManager()) {
        float[] x = new float[n * c * s2];
        for (int k = 0; k < n; k++) System.arraycopy(v.input(z0 + k), 0, x, k * c * s2, c * s2);
        NDArray logits = block.forward(ps, new NDList(step.create(x, new Shape(n, c, size, size))), false).head();
        if (withLoss) {
          int[] y = new int[n * s2];
          for (int i = 0; i < y.length; i++) y[i] = btcvToClass[v.labels()[z0 * s2 + i]];
          lossSum += SegmentationLoss.of(logits, step.create(y, new Shape(n, size, size))).getFloat();
          batches++;
        }
        int[] cls = logits.argMax(1).toType(DataType.INT32, false).toIntArray();
        for (int i = 0; i < cls.length; i++) out[z0 * s2 + i] = classToBtcv[cls[i]];
        float[] scores = logits.toType(DataType.FLOAT32, false).toFloatArray();
        int classes = classToBtcv.length;
        for (int k = 0; k < n; k++) {
          for (int j = 0; j < classes; j++) fusion.add(classToBtcv[j], z0 + k, scores, (k * classes + j) * s2);
        }
      }
    }
    return new Validation(out, fusion.toOriginal(), lossSum, batches);
  }
}
