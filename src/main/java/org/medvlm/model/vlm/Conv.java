package org.medvlm.model.vlm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.XavierInitializer;

/** A square 2D convolution with bias, padding that keeps the size (at stride 1), and a dilation. */
final class Conv extends ExplicitBlock {
  private final Parameter weight, bias;
  private final int kernel, stride, dilation;

  Conv(int in, int out, int kernel, int stride, int dilation) {
    this.kernel = kernel;
    this.stride = stride;
    this.dilation = dilation;
    weight = param("weight", new Shape(out, in, kernel, kernel), new XavierInitializer());
    bias = param("bias", new Shape(out), Initializer.ZEROS);
  }

  NDArray apply(ParameterStore ps, NDArray x, boolean training) {
    int pad = dilation * (kernel - 1) / 2;
    return Conv2d.conv2d(x, value(ps, weight, x, training), value(ps, bias, x, training), new Shape(stride, stride),
        new Shape(pad, pad), new Shape(dilation, dilation)).head();
  }
}
