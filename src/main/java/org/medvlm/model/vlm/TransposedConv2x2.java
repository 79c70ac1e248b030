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

  /**
   * {@code gelu(apply(x) + add)} summed over the channels with per-sample weights {@code w}
   * (N, out): the one-channel map (N, 2H, 2W). The same numbers as computing the full map and
   * then the weighted sum, but the map stays in the matrix product's layout (pixel, sub-pixel,
   * channel) until the channels are summed, so only the one-channel result is shuffled into
   * place; the bias joins {@code add} before it is broadcast. {@code add} (N or 1, out, 2H, 2W)
   * is broadcast over the samples when it has one.
   */
  NDArray applyGeluDot(ParameterStore ps, NDArray x, NDArray add, NDArray w, boolean training) {
    long n = x.getShape().get(0);
    long h = x.getShape().get(2);
    long wd = x.getShape().get(3);
    NDArray kernel = local(value(ps, weight, x, training).transpose(2, 3, 1, 0), x).reshape(4L * out, in).transpose(); // (in, 4 out): columns (a, b, o)
    // one matrix product over all pixels of all samples (a 4D operand would run as many small batched products)
    NDArray y = x.transpose(0, 2, 3, 1).reshape(n * h * wd, in).matMul(kernel).reshape(n, h, wd, 4L * out);
    long m = add.getShape().get(0);
    NDArray plusBias = add.add(local(value(ps, bias, x, training).reshape(1, out, 1, 1), x)); // once per image, not per pixel of every sample
    // in place: the product's output is not needed for its gradient, and a fresh full-resolution buffer costs as much as the addition
    y = ai.djl.nn.Activation.gelu(y.addi(plusBias.reshape(m, out, h, 2, wd, 2).transpose(0, 2, 4, 3, 5, 1).reshape(m, h, wd, 4L * out)));
    NDArray dot = y.reshape(n, h * wd * 4, out).matMul(w.reshape(n, out, 1));
    return dot.reshape(n, h, wd, 2, 2).transpose(0, 1, 3, 2, 4).reshape(n, 2 * h, 2 * wd);
  }
}
