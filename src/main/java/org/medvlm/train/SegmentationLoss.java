package org.medvlm.train;

import ai.djl.ndarray.NDArray;

/**
 * Cross-entropy plus soft Dice, unweighted, on logits (N, C, H, W) and class indices (N, H, W).
 * The Dice term averages over the foreground classes, each over the whole batch, smoothed by 1
 * so that classes absent from a batch push their probabilities towards zero without blowing up.
 * The cross-entropy may weight classes as PyTorch's {@code weight} argument does: each pixel's
 * term times its class weight, divided by the sum of those weights.
 */
public final class SegmentationLoss {
  private SegmentationLoss() {}

  public static NDArray of(NDArray logits, NDArray classes) {
    return of(logits, classes, null);
  }

  /** @param classWeights per-class cross-entropy weights (C), or null for none */
  public static NDArray of(NDArray logits, NDArray classes, NDArray classWeights) {
    return of(logits, classes, classWeights, null);
  }

  /**
   * The loss on partially labelled samples: {@code labelled} (N, C; 1 where sample n labels class
   * c, class 0 always 1) or null for all. A class a sample does not label is unknown there, not
   * background (marginal loss, Shi et al., MedIA 2021): its probability is merged into the
   * background's for that sample's cross-entropy (a background pixel may be any unlabelled
   * class), and the sample stays out of that class's Dice. With every class labelled this is the
   * unweighted or weighted loss above, term for term.
   */
  public static NDArray of(NDArray logits, NDArray classes, NDArray classWeights, NDArray labelled) {
    int c = (int) logits.getShape().get(1);
    NDArray oneHot = classes.oneHot(c).transpose(0, 3, 1, 2);
    NDArray logp = logits.logSoftmax(1);
    NDArray pixelLogLikelihood;
    if (labelled == null) {
      pixelLogLikelihood = oneHot.mul(logp).sum(new int[] {1});
    } else {
      // log(p_background + sum of the unlabelled classes' p) by a masked log-sum-exp; a labelled
      // class is pushed far below instead of to -infinity, so no gradient turns into NaN
      NDArray merge = labelled.neg().add(1).reshape(logits.getShape().get(0), c, 1, 1);
      float[] backgroundClass = new float[c];
      backgroundClass[0] = 1;
      merge = merge.maximum(logits.getManager().create(backgroundClass).reshape(1, c, 1, 1));
      NDArray masked = logp.add(merge.neg().add(1).mul(-1e4f));
      NDArray top = masked.max(new int[] {1}, true);
      NDArray background = masked.sub(top).exp().sum(new int[] {1}).log().add(top.squeeze(1));
      NDArray isBackground = oneHot.get(":, 0");
      pixelLogLikelihood = oneHot.get(":, 1:").mul(logp.get(":, 1:")).sum(new int[] {1}).add(isBackground.mul(background));
    }
    NDArray ce;
    if (classWeights == null) {
      ce = pixelLogLikelihood.mean().neg();
    } else {
      NDArray w = oneHot.mul(classWeights.reshape(1, c, 1, 1)).sum(new int[] {1});
      ce = pixelLogLikelihood.mul(w).sum().div(w.sum()).neg();
    }
    NDArray p = logp.exp();
    NDArray target = oneHot;
    if (labelled != null) {
      NDArray keep = labelled.reshape(logits.getShape().get(0), c, 1, 1);
      p = p.mul(keep);
      target = oneHot.mul(keep);
    }
    int[] axes = {0, 2, 3};
    NDArray inter = p.mul(target).sum(axes);
    NDArray denom = p.sum(axes).add(target.sum(axes));
    NDArray dice = inter.mul(2).add(1).div(denom.add(1));
    NDArray foreground = dice.get("1:");
    return ce.add(foreground.mean().neg().add(1));
  }
}
