package org.medvlm.model.vlm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
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

  /**
   * GELU of {@link #apply2d}, computed before the result is turned back to (N, C, H, W): the
   * normalised map is contiguous only in channel-last order, and PyTorch's GELU backward on the
   * transposed view ran 4x slower per element than on contiguous memory.
   */
  NDArray apply2dGelu(ParameterStore ps, NDArray x, boolean training) {
    return Activation.gelu(apply(ps, x.transpose(0, 2, 3, 1), training)).transpose(0, 3, 1, 2);
  }
}
