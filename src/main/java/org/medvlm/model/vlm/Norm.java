package org.medvlm.model.vlm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;

/** Layer normalisation over the last axis ({@code weight}, {@code bias} of size dim). */
final class Norm extends ExplicitBlock {
  private final Parameter weight;
  private final Parameter bias;
  private final int dim;
  private final float eps;

  Norm(int dim, float eps) {
    this.dim = dim;
    this.eps = eps;
    weight = param("weight", new Shape(dim), Initializer.ONES);
    bias = param("bias", new Shape(dim), Initializer.ZEROS);
  }

  NDArray apply(ParameterStore ps, NDArray x, boolean training) {
    return LayerNorm.layerNorm(x, new Shape(dim), value(ps, weight, x, training), value(ps, bias, x, training), eps).head();
  }

  /** Normalises (N, C, H, W) over C, as SAM's LayerNorm2d. */
  NDArray apply2d(ParameterStore ps, NDArray x, boolean training) {
    return apply(ps, x.transpose(0, 2, 3, 1), training).transpose(0, 3, 1, 2);
  }
}
