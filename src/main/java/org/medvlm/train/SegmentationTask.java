package org.medvlm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonObject;
import java.util.List;
import net.imglib2.type.numeric.integer.IntType;
import org.medvlm.infer.Prediction;
import org.medvlm.infer.SegmentationModel;
import org.medvlm.infer.SliceProgress;
import org.medvlm.preprocess.Augmenter;
import org.medvlm.preprocess.PreparedVolume;
import org.medvlm.volume.Volume;

/**
 * What the {@link Trainer} needs from a model: the model itself ({@link #model()}, which also
 * predicts), a loss on a batch of samples, and validation through the model's prediction. The
 * U-Net and Med-VLM implement it.
 */
public interface SegmentationTask {
  /** The model being trained: its block, description and prediction. */
  SegmentationModel model();

  /** "unet", "medvlm-small", ... as stored in checkpoints. */
  default String modelType() {
    return model().modelType();
  }

  default Block block() {
    return model().block();
  }

  /** Input shape for initialising the block with a given batch size. */
  default Shape inputShape(int batch) {
    return model().inputShape(batch);
  }

  /** Model settings for the checkpoint (enough to rebuild the block), with any training settings stored beside them. */
  default JsonObject describe() {
    return model().describe();
  }

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

  /** BTCV labels of every organ of a prepared volume on its original grid ({@link SegmentationModel#predict}). */
  default Volume<IntType> predict(NDManager manager, ParameterStore ps, PreparedVolume volume, int batchSize) {
    return model().predict(manager, ps, volume, batchSize, model().organs(), SliceProgress.NONE);
  }

  /** The prediction and the loss from the same forward passes (inference mode), for validation. */
  Prediction validate(NDManager manager, ParameterStore ps, PreparedVolume volume, int batchSize);
}
