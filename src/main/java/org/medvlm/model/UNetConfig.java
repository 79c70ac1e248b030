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

  /** Default width: with four down-samplings and 13 organs, 7.70 M parameters, as the study's 7.7 M. */
  public static final int STANDARD_WIDTH = 33;

  /** The study's baseline size: width 33, four down-samplings. */
  public static UNetConfig standard(int inChannels, int classes) {
    return new UNetConfig(inChannels, classes, STANDARD_WIDTH, 4);
  }
}
