package org.medvlm.model.vlm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.initializer.XavierInitializer;

/**
 * A linear layer {@code weight (out x in)}, {@code bias (out)}, optionally with a LoRA adapter
 * ({@code lora_a (rank x in)}, {@code lora_b (out x rank)}). Applies to the last axis of any input.
 */
final class LoraLinear extends ExplicitBlock {
  private final Parameter weight;
  private final Parameter bias;
  private final Parameter loraA;
  private final Parameter loraB;
  private final float scale;
  private final float dropout;

  /** A plain trainable layer (Xavier-initialised). */
  LoraLinear(int in, int out) {
    this(in, out, true, null, new XavierInitializer());
  }

  /** A layer of a pretrained encoder: N(0, 0.02) like BERT and timm, with an adapter when {@code lora} has a rank. */
  static LoraLinear encoder(int in, int out, LoraConfig lora) {
    return new LoraLinear(in, out, true, lora, new NormalInitializer(0.02f));
  }

  LoraLinear(int in, int out, boolean withBias, LoraConfig lora, Initializer init) {
    weight = param("weight", new Shape(out, in), init);
    bias = withBias ? param("bias", new Shape(out), Initializer.ZEROS) : null;
    if (lora != null && lora.rank() > 0) {
      loraA = param("lora_a", new Shape(lora.rank(), in), new XavierInitializer());
      loraB = param("lora_b", new Shape(out, lora.rank()), Initializer.ZEROS);
      scale = lora.scale();
      dropout = lora.dropout();
    } else {
      loraA = loraB = null;
      scale = 0;
      dropout = 0;
    }
  }

  /** The bias, or null for a layer without one. */
  Parameter bias() {
    return bias;
  }

  boolean hasAdapter() {
    return loraA != null;
  }

  NDArray apply(ParameterStore ps, NDArray x, boolean training) {
    NDArray w = value(ps, weight, x, training);
    NDArray y = bias == null ? Linear.linear(x, w).head() : Linear.linear(x, w, value(ps, bias, x, training)).head();
    if (loraA == null) return y;
    NDArray h = training && dropout > 0 ? Dropout.dropout(x, dropout, true).head() : x;
    NDArray low = Linear.linear(h, value(ps, loraA, x, training)).head();
    return y.add(Linear.linear(low, value(ps, loraB, x, training)).head().mul(scale));
  }
}
