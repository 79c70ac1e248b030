package org.medvlm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonObject;
import java.util.List;
import org.medvlm.preprocess.Augmenter;
import org.medvlm.preprocess.PreparedVolume;

/**
 * What the {@link Trainer} needs from a model: its block, a loss on a batch of samples, and a
 * prediction of a prepared volume as BTCV label slices. The U-Net implements it; Med-VLM will.
 */
public interface SegmentationTask {
  /** "unet", "medvlm-small", ... as stored in checkpoints. */
  String modelType();

  Block block();

  /** Input shape for initialising the block with a given batch size. */
  Shape inputShape(int batch);

  /** Model settings for the checkpoint (enough to rebuild the block). */
  JsonObject describe();

  /** Forward pass and loss of a batch (images and BTCV labels, already augmented). */
  NDArray loss(NDManager step, ParameterStore ps, List<Augmenter.Sample> batch, boolean training);

  /** BTCV label slices ({@code depth x size x size}) for a prepared volume. */
  int[] predict(NDManager manager, ParameterStore ps, PreparedVolume volume, int batchSize);

  /** Label slices, and the summed loss of {@code batches} batches against the volume's own labels. */
  record Validation(int[] labels, double lossSum, int batches) {}

  /** {@link #predict} and the loss from the same forward passes (inference mode), for validation. */
  Validation validate(NDManager manager, ParameterStore ps, PreparedVolume volume, int batchSize);
}
