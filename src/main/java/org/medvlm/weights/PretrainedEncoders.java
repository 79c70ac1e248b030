package org.medvlm.weights;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import org.medvlm.BadInputException;
import org.medvlm.model.vlm.BertEncoder;
import org.medvlm.model.vlm.LoraConfig;
import org.medvlm.model.vlm.VitEncoder;

/** Stand-alone pretrained encoders (no adapters), for feature extraction and parity checks. */
public final class PretrainedEncoders {
  /** An initialised encoder with its checkpoint's weights, and what loading did. */
  public record Loaded<E>(E encoder, LoadReport report) {}

  private PretrainedEncoders() {}

  /** The ViT of a timm checkpoint at {@code imageSize} px (0: its pretrained size). */
  public static Loaded<VitEncoder> vit(Path path, int imageSize, NDManager manager, boolean lenient) throws IOException {
    try (EncoderCheckpoint ck = EncoderCheckpoint.open(path)) {
      if (!(ck instanceof VitCheckpoint v)) throw new BadInputException(ck.file(), "holds a text encoder (" + ck.describe() + "), not a ViT");
      int size = imageSize > 0 ? imageSize : v.architecture().imageSize();
      VitEncoder encoder;
      try {
        encoder = new VitEncoder(v.architecture(size), LoraConfig.none());
      } catch (IllegalArgumentException e) {
        throw new BadInputException(ck.file(), e.getMessage());
      }
      encoder.initialize(manager, DataType.FLOAT32, new Shape(1, 3, size, size));
      return new Loaded<>(encoder, v.loadInto(encoder, lenient));
    }
  }

  /** The BERT of a HuggingFace checkpoint. */
  public static Loaded<BertEncoder> bert(Path path, NDManager manager, boolean lenient) throws IOException {
    try (EncoderCheckpoint ck = EncoderCheckpoint.open(path)) {
      if (!(ck instanceof BertCheckpoint b)) throw new BadInputException(ck.file(), "holds an image encoder (" + ck.describe() + "), not a BERT");
      BertEncoder encoder = new BertEncoder(b.architecture(), LoraConfig.none());
      encoder.initialize(manager, DataType.FLOAT32, new Shape(1, 8));
      return new Loaded<>(encoder, b.loadInto(encoder, lenient));
    }
  }
}
