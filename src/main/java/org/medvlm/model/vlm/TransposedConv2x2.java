package org.medvlm.model.vlm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.XavierInitializer;

/**
 * PyTorch's {@code ConvTranspose2d(in, out, kernel_size=2, stride=2)} (weight (in, out, 2, 2),
 * bias (out)), which DJL's PyTorch engine does not offer: with kernel equal to stride every
 * output pixel (2i + a, 2j + b) comes from input pixel (i, j) alone, out[o, 2i+a, 2j+b] =
 * sum_c x[c, i, j] w[c, o, a, b] + bias[o], i.e. one matrix product followed by a pixel shuffle.
 */
final class TransposedConv2x2 extends ExplicitBlock {
  private final Parameter weight;
  private final Parameter bias;
  private final int in;
  private final int out;

  TransposedConv2x2(int in, int out) {
    this.in = in;
    this.out = out;
    weight = param("weight", new Shape(in, out, 2, 2), new XavierInitializer());
    bias = param("bias", new Shape(out), Initializer.ZEROS);
  }

  NDArray apply(ParameterStore ps, NDArray x, boolean training) {
    long n = x.getShape().get(0);
    long h = x.getShape().get(2);
    long w = x.getShape().get(3);
    NDArray kernel = local(value(ps, weight, x, training).reshape(in, (long) out * 4), x);
    NDArray y = x.transpose(0, 2, 3, 1).matMul(kernel).reshape(n, h, w, out, 2, 2);
    y = y.transpose(0, 3, 1, 4, 2, 5).reshape(n, out, 2 * h, 2 * w);
    return y.add(local(value(ps, bias, x, training).reshape(1, out, 1, 1), x));
  }
}
