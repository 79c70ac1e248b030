package org.medvlm.infer;

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
import org.medvlm.preprocess.LabelFusion;
import org.medvlm.preprocess.PreparedVolume;
import org.medvlm.volume.Volume;

/** The 2D U-Net baseline as a {@link SegmentationModel}: one multi-class map per slice. */
public final class UNetPredictor implements SegmentationModel {
  public static final String TYPE = "unet";

  private final UNet block;
  private final int size;
  private final List<Organ> organs;
  private final int[] btcvToClass = new int[Organ.MAX_ID + 1];
  private final int[] classToBtcv;

  public UNetPredictor(UNetConfig config, List<Organ> organs, int size) {
    if (config.classes() != organs.size() + 1) throw new IllegalArgumentException("classes must be organs + 1");
    this.block = new UNet(config);
    this.size = size;
    this.organs = List.copyOf(organs);
    classToBtcv = new int[organs.size() + 1];
    for (int c = 0; c < organs.size(); c++) {
      btcvToClass[organs.get(c).id()] = c + 1;
      classToBtcv[c + 1] = organs.get(c).id();
    }
  }

  /** Rebuilds the model from {@link #describe()}. */
  public static UNetPredictor from(JsonObject d, List<Organ> organs, int size) {
    UNetConfig c = new UNetConfig(d.get("in_channels").getAsInt(), d.get("classes").getAsInt(), d.get("width").getAsInt(), d.get("depth").getAsInt());
    return new UNetPredictor(c, organs, size);
  }

  @Override
  public String modelType() {
    return TYPE;
  }

  @Override
  public UNet block() {
    return block;
  }

  /** Input size in pixels. */
  public int size() {
    return size;
  }

  @Override
  public List<Organ> organs() {
    return organs;
  }

  /** The class of a BTCV id (0 = background, and for organs the model does not know). */
  public int classOf(int btcvId) {
    return btcvToClass[btcvId];
  }

  /** The BTCV id of each class, background first. */
  public int[] classIds() {
    return classToBtcv.clone();
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

  /** Labels on the original grid, the organs not {@code requested} set to background. */
  @Override
  public Volume<IntType> predict(NDManager manager, ParameterStore ps, PreparedVolume v, int batchSize, List<Organ> requested, SliceProgress progress) {
    Volume<IntType> labels = run(manager, ps, v, batchSize, null, progress).labels();
    boolean[] keep = new boolean[Organ.MAX_ID + 1];
    for (var o : requested) keep[o.id()] = true;
    int[] l = Volume.ints(labels);
    for (int i = 0; i < l.length; i++) if (!keep[l[i]]) l[i] = 0;
    return labels;
  }

  /** What validation adds to a batch's forward pass: its loss against the volume's labels, from the batch's logits. */
  @FunctionalInterface
  public interface BatchLoss {
    /** The loss of slices {@code [z0, z0 + n)} whose logits are {@code (n, classes, S, S)}. */
    double of(NDManager step, NDArray logits, int z0, int n);
  }

  /**
   * One inference-mode forward pass per batch of slices; with {@code loss} (validation) the loss
   * of every batch too. Every class's logits, background included, go to the fusion, whose argmax
   * on the original grid is the prediction; the argmax on the model's grid gives the slices.
   */
  public Prediction run(NDManager manager, ParameterStore ps, PreparedVolume v, int batchSize, BatchLoss loss, SliceProgress progress) {
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
        if (loss != null) {
          lossSum += loss.of(step, logits, z0, n);
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
      progress.slicesDone(z0 + n, v.depth());
    }
    return new Prediction(out, fusion.toOriginal(), lossSum, batches);
  }
}
