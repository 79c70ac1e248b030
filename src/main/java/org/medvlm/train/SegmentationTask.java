package org.medvlm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonObject;
import java.util.List;
import net.imglib2.type.numeric.integer.IntType;
import org.medvlm.data.Organ;
import org.medvlm.preprocess.Augmenter;
import org.medvlm.preprocess.PreparedVolume;
import org.medvlm.volume.Volume;

/**
 * What the {@link Trainer} needs from a model: its block, a loss on a batch of samples, and a
 * prediction of a prepared volume as BTCV labels. The U-Net and Med-VLM implement it.
 */
public interface SegmentationTask {
  /** "unet", "medvlm-small", ... as stored in checkpoints. */
  String modelType();

  Block block();

  /** Input shape for initialising the block with a given batch size. */
  Shape inputShape(int batch);

  /** Model settings for the checkpoint (enough to rebuild the block). */
  JsonObject describe();

  /** How much faster than the base learning rate a trainable parameter learns (1 = at the base rate). */
  default float learningRateScale(ai.djl.nn.Parameter parameter) {
    return 1f;
  }

  /** Largest global gradient norm before an update (0 = no clipping). */
  default float gradientClip() {
    return 0;
  }

  /** Called once the weights are in place, before training collects the trainable parameters. */
  default void prepareForTraining() {}

  /**
   * Loads pretrained weights into the freshly initialised block, before a resumed checkpoint
   * replaces them; returns what was loaded, for the log (empty when there is nothing to load).
   */
  default List<String> loadPretrained() throws java.io.IOException {
    return List.of();
  }

  /**
   * Weights of each organ's pixels (indexed by BTCV id, 0 = background) in the training loss;
   * all 1 unless the trainer sets them from the organs' rarity.
   */
  void weightOrgans(float[] byId);

  /**
   * Forward pass and loss of a batch (images and BTCV labels, already augmented): each replica
   * runs its shard of the batch ({@link Replicas#forward}), the loss over the whole batch is
   * computed on {@code step}'s device.
   */
  NDArray loss(NDManager step, Replicas replicas, List<Augmenter.Sample> batch, boolean training);

  /**
   * BTCV labels of a prepared volume on its original grid: the model's score maps are resized
   * back before they are compared ({@link org.medvlm.preprocess.LabelFusion}).
   */
  Volume<IntType> predict(NDManager manager, ParameterStore ps, PreparedVolume volume, int batchSize);

  /**
   * Labels for only the {@code requested} organs (others background). Models that segment
   * one organ per pass (Med-VLM) save the work for the rest; others predict all and filter.
   */
  default Volume<IntType> predict(NDManager manager, ParameterStore ps, PreparedVolume volume, int batchSize, List<Organ> requested) {
    Volume<IntType> labels = predict(manager, ps, volume, batchSize);
    boolean[] keep = new boolean[Organ.MAX_ID + 1];
    for (var o : requested) keep[o.id()] = true;
    int[] l = Volume.ints(labels);
    for (int i = 0; i < l.length; i++) if (!keep[l[i]]) l[i] = 0;
    return labels;
  }

  /**
   * Label slices at the model's resolution ({@code depth x size x size}, each pixel decided on
   * the model's own grid), the labels on the original grid as {@link #predict} gives them, and the
   * summed loss of {@code batches} batches against the volume's own labels.
   */
  record Validation(int[] slices, Volume<IntType> labels, double lossSum, int batches) {}

  /** {@link #predict} and the loss from the same forward passes (inference mode), for validation. */
  Validation validate(NDManager manager, ParameterStore ps, PreparedVolume volume, int batchSize);
}
