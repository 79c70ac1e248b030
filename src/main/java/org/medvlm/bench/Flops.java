package org.medvlm.bench;

import org.medvlm.model.UNetConfig;
import org.medvlm.model.vlm.BertConfig;
import org.medvlm.model.vlm.VitConfig;

/**
 * Forward floating-point operations of our architectures, counted from their layer shapes (a
 * multiply-add is 2 FLOPs; norms, activations and softmax, a few percent, are left out). Used to
 * turn measured speed into achieved FLOP/s, compared with the engine's own matrix multiply.
 */
public final class Flops {
  private Flops() {}

  /** One image through the ViT (patch embedding, all blocks). */
  public static double vit(VitConfig c) {
    long tokens = 1 + (long) c.grid() * c.grid();
    double d = c.dim();
    double patch = 2.0 * c.grid() * c.grid() * d * 3 * c.patch() * c.patch();
    double perBlock = tokens * (2 * d * 3 * d + 2 * d * d + 2 * 2 * d * d * c.mlpRatio()) + 2 * 2.0 * tokens * tokens * d;
    return patch + c.depth() * perBlock;
  }

  /** One sequence of {@code tokens} tokens through BERT. */
  public static double bert(BertConfig c, int tokens) {
    double h = c.hidden();
    double perLayer = tokens * (2 * h * 3 * h + 2 * h * h + 2 * 2 * h * c.intermediate()) + 2 * 2.0 * tokens * tokens * h;
    return c.layers() * perLayer;
  }

  /** One slice of {@code size} x {@code size} through the U-Net. */
  public static double unet(UNetConfig c, int size) {
    double f = 0;
    int in = c.inChannels();
    for (int level = 0; level <= c.depth(); level++) {
      int ch = c.width() << level;
      double px = Math.pow(size >> level, 2);
      f += 2 * px * 9 * (in * (double) ch + ch * (double) ch); // two 3 x 3 convolutions
      in = ch;
    }
    for (int level = c.depth() - 1; level >= 0; level--) {
      int ch = c.width() << level;
      double px = Math.pow(size >> level, 2);
      f += 2 * px * (2.0 * ch) * ch; // 1 x 1 halving after upsampling
      f += 2 * px * 9 * (2.0 * ch * ch + ch * (double) ch); // merge: 2ch -> ch, ch -> ch
    }
    return f + 2.0 * size * size * c.width() * c.classes();
  }
}
