package org.medvlm.infer;

import org.medvlm.device.Devices;
import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonElement;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.imglib2.type.numeric.integer.IntType;
import net.imglib2.type.numeric.real.FloatType;
import org.medvlm.BadInputException;
import org.medvlm.checkpoint.Checkpoint;
import org.medvlm.checkpoint.CheckpointStore;
import org.medvlm.data.Organ;
import org.medvlm.model.vlm.MedVlmConfig;
import org.medvlm.preprocess.LabelFusion;
import org.medvlm.preprocess.PreparedVolume;
import org.medvlm.preprocess.PreprocessConfig;
import org.medvlm.preprocess.Preprocessor;
import org.medvlm.checkpoint.Checkpoint;
import org.medvlm.checkpoint.CheckpointStore;
import org.medvlm.train.MedVlmTask;
import org.medvlm.model.vlm.MedVlmConfig;
import org.medvlm.train.SegmentationTask;
import org.medvlm.train.UNetTask;
import org.medvlm.volume.Volume;

/**
 * A trained model ready to segment CT volumes: loaded once from a checkpoint (or a training
 * folder's best checkpoint), then applied with the preprocessing it was trained with; the labels
 * come back on exactly the input's grid, in BTCV ids.
 */
public final class Segmenter implements AutoCloseable {
  private final SegmentationModel task;
  private final List<Organ> organs;
  private final Preprocessor preprocessor;
  private final NDManager manager;
  private final ParameterStore ps;
  private final Path source;

  /** Labels on the input grid and the volume of each requested organ in mL. */
  public record Result(Volume<IntType> labels, Map<Organ, Double> volumesMl) {}

  private Segmenter(SegmentationModel task, List<Organ> organs, Preprocessor pre, NDManager manager, Path source) {
    this.task = task;
    this.organs = organs;
    this.preprocessor = pre;
    this.manager = manager;
    this.ps = new ParameterStore(manager, false);
    this.source = source;
  }

  public static Segmenter open(Path model, Device device) throws IOException {
    CheckpointStore.Loaded loaded = CheckpointStore.open(model);
    Checkpoint.OnDisk c = loaded.disk().requireModel();
    List<Organ> organs = new ArrayList<>();
    for (JsonElement e : c.meta().getAsJsonArray("organs")) organs.add(Organ.ofId(e.getAsInt())); // ids checked on opening
    PreprocessConfig pre;
    SegmentationModel task;
    try {
      pre = PreprocessConfig.fromJson(c.meta().get("preprocess").toString());
      if (!UNetPredictor.TYPE.equals(c.modelType()) && !MedVlmConfig.VARIANTS.contains(c.modelType())) {
        throw new BadInputException(loaded.file(), "model type '" + c.modelType() + "' cannot be run by this version");
      }
      task = SegmentationModel.fromCheckpoint(c.modelType(), c.meta().getAsJsonObject("model"), organs, pre.size());
    } catch (RuntimeException e) {
      throw new BadInputException(loaded.file(), "holds a " + c.modelType() + " checkpoint whose model or preprocessing description is damaged or of another version");
    }
    NDManager manager = NDManager.newBaseManager(device);
    try {
      task.block().initialize(manager, DataType.FLOAT32, task.inputShape(1));
      c.loadWeightsInto(task.block(), manager);
    } catch (MalformedModelException | RuntimeException e) {
      manager.close();
      throw new BadInputException(loaded.file(), "weights do not fit the model described in the checkpoint");
    } catch (IOException e) {
      manager.close();
      throw e;
    }
    return new Segmenter(task, organs, new Preprocessor(pre), manager, loaded.file());
  }

  /** The organs the model was trained for. */
  public List<Organ> organs() {
    return organs;
  }

  /** The device the model runs on. */
  public ai.djl.Device device() {
    return manager.getDevice();
  }

  public Path source() {
    return source;
  }

  /**
   * @param requested organs to keep (must be among {@link #organs()})
   * @param postprocess keep each organ's largest 3D component and fill its holes
   */
  public Result segment(Volume<FloatType> ct, List<Organ> requested, int batchSize, boolean postprocess, SliceProgress progress) throws BadInputException {
    Devices.noGradientsOnThisThread();
    checkKnown(requested);
    PreparedVolume p = preprocessor.prepare(ct);
    Volume<IntType> labels = task.predict(manager, ps, p, batchSize, requested, progress);
    if (postprocess) PostProcess.apply(Volume.ints(labels), labels.dims(), requested.stream().mapToInt(Organ::id).toArray());
    return new Result(labels, volumesMl(labels, requested));
  }

  /**
   * One binary mask (0/1) per organ on the input grid. Med-VLM decides each organ on its own
   * (masks may overlap); the U-Net's masks are the classes of its label map.
   */
  public Map<Organ, Volume<IntType>> segmentEach(Volume<FloatType> ct, List<Organ> requested, int batchSize, boolean postprocess, SliceProgress progress)
      throws BadInputException {
    Devices.noGradientsOnThisThread();
    checkKnown(requested);
    PreparedVolume p = preprocessor.prepare(ct);
    Map<Organ, Volume<IntType>> out = new LinkedHashMap<>();
    if (task instanceof MedVlmPredictor vlm) {
      float[][] probs = vlm.probabilities(manager, ps, p, requested.stream().map(vlm::promptFor).toList(), batchSize, progress);
      for (int k = 0; k < requested.size(); k++) out.put(requested.get(k), binary(p, probs[k], postprocess, requested.get(k)));
    } else {
      Volume<IntType> labels = task.predict(manager, ps, p, batchSize, requested, progress);
      int[] l = Volume.ints(labels);
      for (Organ o : requested) {
        int[] mask = new int[l.length];
        for (int i = 0; i < mask.length; i++) mask[i] = l[i] == o.id() ? 1 : 0;
        Volume<IntType> v = Volume.ofLabels(mask, labels.dims(), labels.geometry());
        if (postprocess) PostProcess.applyToMask(Volume.ints(v), v.dims(), o);
        out.put(o, v);
      }
    }
    return out;
  }

  /** A binary mask (0/1) on the input grid for a free-text prompt (Med-VLM models only). */
  public Volume<IntType> segmentPrompt(Volume<FloatType> ct, String prompt, int batchSize, boolean postprocess, java.util.function.Consumer<String> warnings,
      SliceProgress progress) throws BadInputException {
    Devices.noGradientsOnThisThread();
    MedVlmPredictor vlm = promptable();
    vlm.checkPrompt(prompt).forEach(warnings);
    PreparedVolume p = preprocessor.prepare(ct);
    return binary(p, vlm.probabilities(manager, ps, p, List.of(prompt), batchSize, progress)[0], postprocess, null);
  }

  /** The Med-VLM task, or a clear error: free-text prompts need a Med-VLM model. */
  public MedVlmPredictor promptable() throws BadInputException {
    if (task instanceof MedVlmPredictor vlm) return vlm;
    throw new BadInputException("{prompt}", "free-text prompts need a Med-VLM model; " + source + " is a " + task.modelType());
  }

  /** Probability slices to a 0/1 mask on the original grid: resized back, then above 0.5 ({@code organ} null for a free-text prompt). */
  private static Volume<IntType> binary(PreparedVolume p, float[] prob, boolean postprocess, Organ organ) {
    LabelFusion fusion = LabelFusion.ofProbabilities(p.mapping());
    int s2 = p.size() * p.size();
    for (int z = 0; z < p.depth(); z++) fusion.add(1, z, prob, z * s2);
    Volume<IntType> v = fusion.toOriginal();
    if (postprocess) PostProcess.applyToMask(Volume.ints(v), v.dims(), organ);
    return v;
  }

  private void checkKnown(List<Organ> requested) throws BadInputException {
    for (Organ o : requested) {
      if (!organs.contains(o)) {
        throw new BadInputException("{organs}", "the model was not trained on the " + o.displayName() + " (it knows: " + names(organs) + ")");
      }
    }
  }

  /** The model type ("unet", "medvlm-small", ...). */
  public String modelType() {
    return task.modelType();
  }

  /** Volume in mL of the voxels holding {@code value}. */
  public static double volumeMl(Volume<IntType> labels, int value) {
    double[] s = labels.geometry().spacing();
    long n = 0;
    for (int v : Volume.ints(labels)) if (v == value) n++;
    return n * s[0] * s[1] * s[2] / 1000.0;
  }

  /** Volume in mL of each organ in a BTCV label map. */
  public static Map<Organ, Double> volumesMl(Volume<IntType> labels, List<Organ> organs) {
    double[] s = labels.geometry().spacing();
    double voxelMl = s[0] * s[1] * s[2] / 1000.0;
    long[] counts = new long[Organ.MAX_ID + 1];
    for (int v : Volume.ints(labels)) if (v >= 0 && v <= Organ.MAX_ID) counts[v]++;
    Map<Organ, Double> ml = new LinkedHashMap<>();
    for (Organ o : organs) ml.put(o, counts[o.id()] * voxelMl);
    return ml;
  }

  private static String names(List<Organ> organs) {
    return String.join(", ", organs.stream().map(Organ::displayName).toList());
  }

  @Override
  public void close() {
    manager.close();
  }
}
