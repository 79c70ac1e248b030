package org.medvlm.model.vlm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A small convolutional U-Net over the CT slice itself, computed once per slice and shared by
 * every prompt (our addition; HQ-SAM adds early encoder features to SAM's decoder for the same
 * reason: patch tokens alone cannot place a boundary finer than a patch).
 * <ul>
 *   <li>Encoder: level k (resolution 1/2^k, k = 0 .. log2(patch)) has two 3 x 3 convolutions,
 *       the first with stride 2 below level 0, each followed by a channel LayerNorm and GELU.
 *   <li>The last level lies on the patch grid: projected to the ViT width and added to the
 *       patch tokens before the mixer ({@code token_proj}, zero-initialised, so an untrained
 *       path leaves a pretrained encoder's tokens as they are).
 *   <li>Top-down: each finer level concatenates the nearest-neighbour 2x upsampling of the level
 *       below with its encoder features, then 3 x 3 convolution, LayerNorm, GELU, to the channels
 *       of the decoder's matching upsampling stage, to which it is added.
 * </ul>
 */
final class DetailPath extends ExplicitBlock {
  private final List<ConvNorm> first = new ArrayList<>();
  private final List<ConvNorm> second = new ArrayList<>();
  private final List<ConvNorm> merge = new ArrayList<>();
  private final LoraLinear tokenProj;
  private final int levels;

  /** A 3 x 3 convolution, then a channel LayerNorm and GELU; its two parts are children of {@code parent}. */
  private record ConvNorm(Conv conv, Norm norm) {
    static ConvNorm in(ExplicitBlock parent, String convName, String normName, int in, int out, int stride) {
      return new ConvNorm(parent.child(convName, new Conv(in, out, 3, stride, 1)), parent.child(normName, new Norm(out, 1e-6f)));
    }

    NDArray apply(ParameterStore ps, NDArray x, boolean training) {
      return norm.apply2dGelu(ps, conv.apply(ps, x, training), training);
    }
  }

  /** The per-slice results: patch-grid features for the tokens (B, G^2, D) and the detail maps, finest first. */
  record Output(NDArray tokens, List<NDArray> maps) {}

  /**
   * @param inChannels input slices (1, or 3 for 2.5D)
   * @param mapChannels channels of the detail maps, finest (full resolution) first; one map per
   *     halving, so {@code log2(patch)} of them
   * @param tokenDim width of the patch tokens the coarsest level is added to
   */
  DetailPath(int inChannels, int[] mapChannels, int tokenDim) {
    levels = mapChannels.length;
    int base = mapChannels[0];
    ExplicitBlock encoder = new ExplicitBlock() {};
    int in = inChannels;
    for (int k = 0; k <= levels; k++) {
      int ch = base * (k + 1);
      first.add(ConvNorm.in(encoder, k + ".conv0", k + ".norm0", in, ch, k == 0 ? 1 : 2));
      second.add(ConvNorm.in(encoder, k + ".conv1", k + ".norm1", ch, ch, 1));
      in = ch;
    }
    addChildBlock("encoder", encoder);
    ExplicitBlock topDown = new ExplicitBlock() {};
    int below = base * (levels + 1);
    for (int k = levels - 1; k >= 0; k--) {
      int out = mapChannels[k];
      merge.add(ConvNorm.in(topDown, k + ".conv", k + ".norm", below + base * (k + 1), out, 1));
      below = out;
    }
    addChildBlock("top_down", topDown);
    tokenProj = addChildBlock("token_proj", new LoraLinear(base * (levels + 1), tokenDim, true, null, Initializer.ZEROS));
  }

  /** Images (B, C, S, S) in [0, 1]. */
  Output apply(ParameterStore ps, NDArray images, boolean training) {
    List<NDArray> encoded = new ArrayList<>();
    NDArray x = images.sub(0.5f).div(0.5f);
    for (int k = 0; k <= levels; k++) {
      int level = k;
      x = scoped(x, training, in -> second.get(level).apply(ps, first.get(level).apply(ps, in, training), training));
      encoded.add(x);
    }
    long b = x.getShape().get(0), c = x.getShape().get(1);
    NDArray tokens = tokenProj.apply(ps, x.reshape(b, c, -1).transpose(0, 2, 1), training);
    List<NDArray> maps = new ArrayList<>();
    for (int i = 0; i < levels; i++) {
      int step = i;
      NDArray skip = encoded.get(levels - 1 - i);
      x = scoped(x, training, below -> {
        NDArray merged = NDArrays.concat(new NDList(below.repeat(2, 2).repeat(3, 2), skip), 1);
        return merge.get(step).apply(ps, merged, training);
      });
      maps.add(x);
    }
    Collections.reverse(maps);
    return new Output(tokens, maps);
  }
}
