package org.medvlm.infer;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonObject;
import java.util.List;
import net.imglib2.type.numeric.integer.IntType;
import org.medvlm.data.Organ;
import org.medvlm.preprocess.PreparedVolume;
import org.medvlm.volume.Volume;

/**
 * A model that predicts BTCV labels of a prepared volume: the U-Net ({@link UNetPredictor}) and
 * Med-VLM ({@link MedVlmPredictor}). Built from a checkpoint's description ({@link #fromCheckpoint})
 * for prediction, or by training, which wraps it with its losses and validates through it.
 */
public interface SegmentationModel {
  /** "unet", "medvlm-small", ... as stored in checkpoints. */
  String modelType();

  Block block();

  /** Input shape for initialising the block with a given batch size. */
  Shape inputShape(int batch);

  /** Model settings for the checkpoint (enough to rebuild the block). */
  JsonObject describe();

  /** The organs the model was built for, in its class order. */
  List<Organ> organs();

  /**
   * Labels of the {@code requested} organs (others background) on the volume's original grid: the
   * model's score maps are resized back before they are compared
   * ({@link org.medvlm.preprocess.LabelFusion}). {@code progress} hears of every batch of slices
   * and may stop the run ({@link SliceProgress}).
   */
  Volume<IntType> predict(NDManager manager, ParameterStore ps, PreparedVolume volume, int batchSize, List<Organ> requested, SliceProgress progress);

  /**
   * The model a checkpoint describes, its block not yet initialised.
   *
   * @param type the checkpoint's model type
   * @param model its model description ({@link #describe()})
   * @param size the preprocessing's input size in pixels
   * @throws IllegalArgumentException for a type this version cannot run
   */
  static SegmentationModel fromCheckpoint(String type, JsonObject model, List<Organ> organs, int size) throws java.io.IOException {
    if (UNetPredictor.TYPE.equals(type)) return UNetPredictor.from(model, organs, size);
    if (org.medvlm.model.vlm.MedVlmConfig.VARIANTS.contains(type)) return MedVlmPredictor.from(model, organs);
    throw new IllegalArgumentException("model type '" + type + "' cannot be run by this version");
  }
}
