package org.medvlm.model.vlm;

/**
 * A timm-style Vision Transformer: {@code imageSize} square input in {@code patch}-pixel patches,
 * width {@code dim}, {@code depth} pre-norm blocks of {@code heads}-head attention and an MLP of
 * {@code mlpRatio} x dim, 3 input channels (CT slices are repeated or given as 3 neighbours).
 */
public record VitConfig(int imageSize, int patch, int dim, int depth, int heads, int mlpRatio) {
  public static final float EPS = 1e-6f;

  public VitConfig {
    if (imageSize % patch != 0) throw new IllegalArgumentException("image size " + imageSize + " is not a multiple of the patch size " + patch);
    if (dim % heads != 0) throw new IllegalArgumentException("ViT width " + dim + " is not divisible by " + heads + " heads");
  }

  /** timm vit_base_patch16_224. */
  public static VitConfig base(int imageSize) {
    return new VitConfig(imageSize, 16, 768, 12, 12, 4);
  }

  /** timm vit_tiny_patch16_224. */
  public static VitConfig tiny(int imageSize) {
    return new VitConfig(imageSize, 16, 192, 12, 3, 4);
  }

  public int grid() {
    return imageSize / patch;
  }
}
