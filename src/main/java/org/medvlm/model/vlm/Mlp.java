package org.medvlm.model.vlm;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;

/** Two linear layers with exact (erf) GELU between: {@code fc1}, {@code fc2}. */
final class Mlp extends ExplicitBlock {
  private final LoraLinear fc1;
  private final LoraLinear fc2;

  Mlp(LoraLinear fc1, LoraLinear fc2) {
    this.fc1 = addChildBlock("fc1", fc1);
    this.fc2 = addChildBlock("fc2", fc2);
  }

  /** A trainable MLP dim -> hidden -> dim. */
  static Mlp trainable(int dim, int hidden) {
    return new Mlp(new LoraLinear(dim, hidden), new LoraLinear(hidden, dim));
  }

  /** An encoder MLP (frozen when pretrained; no adapters: LoRA adapts attention only). */
  static Mlp encoder(int dim, int hidden) {
    return new Mlp(LoraLinear.encoder(dim, hidden, null), LoraLinear.encoder(hidden, dim, null));
  }

  NDArray apply(ParameterStore ps, NDArray x, boolean training) {
    return fc2.apply(ps, Activation.gelu(fc1.apply(ps, x, training)), training);
  }
}
