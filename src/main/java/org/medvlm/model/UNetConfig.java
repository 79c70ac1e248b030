package org.medvlm.model;

/**
 * Shape of a 2D U-Net.
 *
 * @param inChannels input channels (1, or the 2.5D context slice count)
 * @param classes output classes (background plus the chosen organs)
 * @param width channels of the first level; each level below doubles them
 * @param depth number of 2 x 2 down-samplings (input size must be divisible by 2^depth)
 */
public record UNetConfig(int inChannels, int classes, int width, int depth) {
  public UNetConfig {
    if (inChannels < 1 || classes < 2 || width < 1 || depth < 1 || depth > 6) {
      throw new IllegalArgumentException("invalid U-Net shape: in " + inChannels + ", classes " + classes + ", width " + width + ", depth " + depth);
    }
  }

  /** The study's baseline: width 32, four down-samplings, 7.76 M parameters for 13 organs. */
  public static UNetConfig standard(int inChannels, int classes) {
    return new UNetConfig(inChannels, classes, 32, 4);
  }
}
