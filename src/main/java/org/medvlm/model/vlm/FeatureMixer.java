package org.medvlm.model.vlm;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuses text into the image tokens: the text token states are projected to the image width
 * ({@code text_proj}), then each pre-norm block lets the image tokens attend to the text tokens
 * (cross-attention, padding masked), to each other (self-attention), and applies an MLP, each
 * with a residual connection; a final LayerNorm.
 */
public final class FeatureMixer extends ExplicitBlock {
  private final LoraLinear textProj;
  private final List<Layer> blocks = new ArrayList<>();
  private final Norm norm;

  static final class Layer extends ExplicitBlock {
    final Norm norm1;
    final Attention crossAttn;
    final Norm norm2;
    final Attention selfAttn;
    final Norm norm3;
    final Mlp mlp;

    Layer(int dim, int heads, int mlpRatio) {
      norm1 = addChildBlock("norm1", new Norm(dim, 1e-6f));
      crossAttn = addChildBlock("cross_attn", Attention.sam(dim, dim, dim, heads));
      norm2 = addChildBlock("norm2", new Norm(dim, 1e-6f));
      selfAttn = addChildBlock("self_attn", Attention.sam(dim, dim, dim, heads));
      norm3 = addChildBlock("norm3", new Norm(dim, 1e-6f));
      mlp = addChildBlock("mlp", Mlp.trainable(dim, dim * mlpRatio));
    }

    NDArray apply(ParameterStore ps, NDArray x, NDArray text, NDArray textMask, boolean training) {
      NDArray h = norm1.apply(ps, x, training);
      x = x.add(crossAttn.apply(ps, h, text, text, textMask, training));
      h = norm2.apply(ps, x, training);
      x = x.add(selfAttn.apply(ps, h, h, h, null, training));
      return x.add(mlp.apply(ps, norm3.apply(ps, x, training), training));
    }
  }

  public FeatureMixer(int imageDim, int textDim, int depth, int heads, int mlpRatio) {
    textProj = addChildBlock("text_proj", new LoraLinear(textDim, imageDim));
    ExplicitBlock list = new ExplicitBlock() {};
    for (int i = 0; i < depth; i++) blocks.add(list.child(Integer.toString(i), new Layer(imageDim, heads, mlpRatio)));
    addChildBlock("blocks", list);
    norm = addChildBlock("norm", new Norm(imageDim, 1e-6f));
  }

  /**
   * @param image image tokens (N, G^2, D)
   * @param text text token states (N, L, Dt)
   * @param textMask (N, L): 1 real token, 0 padding
   */
  public NDArray mix(ParameterStore ps, NDArray image, NDArray text, NDArray textMask, boolean training) {
    NDArray t = textProj.apply(ps, text, training);
    NDArray x = image;
    for (Layer b : blocks) x = scoped(x, training, in -> b.apply(ps, in, t, textMask, training));
    return norm.apply(ps, x, training);
  }
}
