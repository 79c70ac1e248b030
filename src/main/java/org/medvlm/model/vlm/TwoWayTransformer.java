package org.medvlm.model.vlm;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;

/**
 * SAM's two-way transformer: in each layer the tokens attend to themselves, then to the image,
 * pass an MLP, and the image attends back to the tokens; a final token-to-image attention. The
 * tokens' initial values are re-added as their positional encoding before every attention, the
 * image's positional encoding to its keys. Cross-attention runs at half width (SAM's downsample
 * rate 2).
 */
final class TwoWayTransformer extends ExplicitBlock {
  private final List<Layer> layers = new ArrayList<>();
  private final Attention finalAttn;
  private final Norm finalNorm;

  static final class Layer extends ExplicitBlock {
    final boolean skipFirstPe;
    final Attention selfAttn;
    final Norm norm1;
    final Attention tokenToImage;
    final Norm norm2;
    final Mlp mlp;
    final Norm norm3;
    final Attention imageToToken;
    final Norm norm4;

    Layer(int dim, int heads, int mlpDim, boolean skipFirstPe) {
      this.skipFirstPe = skipFirstPe;
      selfAttn = addChildBlock("self_attn", Attention.sam(dim, dim, dim, heads));
      norm1 = addChildBlock("norm1", new Norm(dim, 1e-5f));
      tokenToImage = addChildBlock("cross_attn_token_to_image", Attention.sam(dim, dim, dim / 2, heads));
      norm2 = addChildBlock("norm2", new Norm(dim, 1e-5f));
      mlp = addChildBlock("mlp", Mlp.trainable(dim, mlpDim));
      norm3 = addChildBlock("norm3", new Norm(dim, 1e-5f));
      imageToToken = addChildBlock("cross_attn_image_to_token", Attention.sam(dim, dim, dim / 2, heads));
      norm4 = addChildBlock("norm4", new Norm(dim, 1e-5f));
    }

    /** Returns {queries, keys}. */
    NDArray[] apply(ParameterStore ps, NDArray queries, NDArray keys, NDArray queryPe, NDArray keyPe, boolean training) {
      if (skipFirstPe) {
        queries = selfAttn.apply(ps, queries, queries, queries, null, training);
      } else {
        NDArray q = queries.add(queryPe);
        queries = queries.add(selfAttn.apply(ps, q, q, queries, null, training));
      }
      queries = norm1.apply(ps, queries, training);
      NDArray k = keys.add(keyPe);
      queries = norm2.apply(ps, queries.add(tokenToImage.apply(ps, queries.add(queryPe), k, keys, null, training)), training);
      queries = norm3.apply(ps, queries.add(mlp.apply(ps, queries, training)), training);
      keys = norm4.apply(ps, keys.add(imageToToken.apply(ps, k, queries.add(queryPe), queries, null, training)), training);
      return new NDArray[] {queries, keys};
    }
  }

  TwoWayTransformer(int dim, int depth, int heads, int mlpDim) {
    ExplicitBlock list = new ExplicitBlock() {};
    for (int i = 0; i < depth; i++) layers.add(list.child(Integer.toString(i), new Layer(dim, heads, mlpDim, i == 0)));
    addChildBlock("layers", list);
    finalAttn = addChildBlock("final_attn_token_to_image", Attention.sam(dim, dim, dim / 2, heads));
    finalNorm = addChildBlock("norm_final_attn", new Norm(dim, 1e-5f));
  }

  /**
   * @param tokens (N, T, C), also their positional encoding
   * @param image (N, HW, C)
   * @param imagePe (1 or N, HW, C)
   * @return {tokens, image} after the exchange
   */
  NDArray[] apply(ParameterStore ps, NDArray tokens, NDArray image, NDArray imagePe, boolean training) {
    NDArray queries = tokens;
    NDArray keys = image;
    for (Layer l : layers) {
      NDArray[] qk = l.apply(ps, queries, keys, tokens, imagePe, training);
      queries = qk[0];
      keys = qk[1];
    }
    NDArray attn = finalAttn.apply(ps, queries.add(tokens), keys.add(imagePe), keys, null, training);
    return new NDArray[] {finalNorm.apply(ps, queries.add(attn), training), keys};
  }
}
