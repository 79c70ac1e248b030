package org.medvlm.model.vlm;

/**
 * Mask decoder sizes.
 *
 * @param dim transformer width C
 * @param depth two-way transformer layers
 * @param heads attention heads
 * @param mlpDim MLP width of the two-way transformer
 * @param dilations dilation of each residual 3 x 3 convolution over the patch grid
 */
public record DecoderConfig(int dim, int depth, int heads, int mlpDim, int[] dilations) {
  public DecoderConfig {
    if (dim % heads != 0 || (dim / 2) % heads != 0) throw new IllegalArgumentException("decoder width " + dim + " and half of it must be divisible by " + heads + " heads");
    dilations = dilations.clone();
  }

  /** Channels after upsampling stage i (0 = first, at twice the patch grid). */
  public int upChannels(int stage) {
    return Math.max(16, dim >> Math.min(stage + 2, 3));
  }
}
