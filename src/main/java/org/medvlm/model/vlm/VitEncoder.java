package org.medvlm.model.vlm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import java.util.ArrayList;
import java.util.List;

/**
 * The image encoder: timm's VisionTransformer ({@code patch_embed.proj}, {@code cls_token},
 * {@code pos_embed}, {@code blocks.N.{norm1, attn.qkv, attn.proj, norm2, mlp.fc1, mlp.fc2}},
 * {@code norm}; LayerNorm eps 1e-6, exact GELU), returning the normalised patch tokens. Input:
 * windowed CT in [0, 1], (N, 1 or 3, S, S), normalised to [-1, 1] (mean = std = 0.5, the
 * normalisation of timm's augreg ViT weights); one channel is repeated to three.
 */
public final class VitEncoder extends ExplicitBlock {
  private final VitConfig config;
  private final Parameter patchWeight;
  private final Parameter patchBias;
  private final Parameter clsToken;
  private final Parameter posEmbed;
  private final List<Layer> blocks = new ArrayList<>();
  private final Norm norm;

  /** One pre-norm transformer block. */
  static final class Layer extends ExplicitBlock {
    final Norm norm1;
    final Attention attn;
    final Norm norm2;
    final Mlp mlp;

    Layer(VitConfig c, LoraConfig lora) {
      norm1 = addChildBlock("norm1", new Norm(c.dim(), VitConfig.EPS));
      attn = addChildBlock("attn", Attention.vit(c.dim(), c.heads(), lora));
      norm2 = addChildBlock("norm2", new Norm(c.dim(), VitConfig.EPS));
      mlp = addChildBlock("mlp", Mlp.encoder(c.dim(), c.dim() * c.mlpRatio()));
    }

    NDArray apply(ParameterStore ps, NDArray x, boolean training) {
      x = x.add(attn.self(ps, norm1.apply(ps, x, training), null, training));
      return x.add(mlp.apply(ps, norm2.apply(ps, x, training), training));
    }
  }

  public VitEncoder(VitConfig config, LoraConfig lora) {
    this.config = config;
    int d = config.dim();
    ExplicitBlock patchEmbed = new ExplicitBlock() {};
    ExplicitBlock proj = new ExplicitBlock() {};
    patchWeight = proj.param("weight", new Shape(d, 3, config.patch(), config.patch()), new NormalInitializer(0.02f));
    patchBias = proj.param("bias", new Shape(d), Initializer.ZEROS);
    patchEmbed.child("proj", proj);
    addChildBlock("patch_embed", patchEmbed);
    clsToken = param("cls_token", new Shape(1, 1, d), new NormalInitializer(1e-6f));
    posEmbed = param("pos_embed", new Shape(1, 1 + (long) config.grid() * config.grid(), d), new NormalInitializer(0.02f));
    ExplicitBlock list = new ExplicitBlock() {};
    for (int i = 0; i < config.depth(); i++) blocks.add(list.child(Integer.toString(i), new Layer(config, lora)));
    addChildBlock("blocks", list);
    norm = addChildBlock("norm", new Norm(d, VitConfig.EPS));
  }

  public VitConfig config() {
    return config;
  }

  /** Patch tokens (N, grid^2, dim) of images (N, 1 or 3, S, S) in [0, 1]. */
  public NDArray encode(ParameterStore ps, NDArray images, boolean training) {
    return tokens(ps, normalise(images), training).get(":, 1:, :");
  }

  /**
   * The network's input for images (N, 1 or 3, S, S) in [0, 1]: three channels (one is
   * repeated) normalised to [-1, 1] (mean = std = 0.5, timm's augreg ViT weights).
   */
  public static NDArray normalise(NDArray images) {
    long c = images.getShape().get(1);
    if (c == 1) images = images.repeat(1, 3);
    else if (c != 3) throw new IllegalArgumentException("the ViT takes 1 or 3 channels (2.5D context of 3 slices), not " + c);
    return images.sub(0.5f).div(0.5f);
  }

  /**
   * All token states after the final norm (N, 1 + grid^2, dim), class token first, of a
   * normalised input (N, 3, S, S): what timm's {@code forward_features} returns.
   */
  public NDArray tokens(ParameterStore ps, NDArray x, boolean training) {
    long n = x.getShape().get(0);
    if (x.getShape().dimension() != 4 || x.getShape().get(1) != 3 || x.getShape().get(2) != config.imageSize() || x.getShape().get(3) != config.imageSize()) {
      throw new IllegalArgumentException("the ViT takes (N, 3, " + config.imageSize() + ", " + config.imageSize() + ") inputs, not " + x.getShape());
    }
    Shape stride = new Shape(config.patch(), config.patch());
    x = Conv2d.conv2d(x, value(ps, patchWeight, x, training), value(ps, patchBias, x, training), stride).head();
    int d = config.dim();
    x = x.reshape(n, d, -1).transpose(0, 2, 1);
    NDArray cls = local(value(ps, clsToken, x, training).broadcast(n, 1, d), x);
    x = NDArrays.concat(new NDList(cls, x), 1).add(value(ps, posEmbed, x, training));
    for (Layer b : blocks) x = scoped(x, training, in -> b.apply(ps, in, training));
    return norm.apply(ps, x, training);
  }
}
