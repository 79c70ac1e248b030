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
    int c = (int) logits.getShape().get(1);
    NDArray oneHot = classes.oneHot(c).transpose(0, 3, 1, 2);
    NDArray logp = logits.logSoftmax(1);
    NDArray ce;
    if (classWeights == null) {
      ce = oneHot.mul(logp).sum(new int[] {1}).mean().neg();
    } else {
      NDArray w = oneHot.mul(classWeights.reshape(1, c, 1, 1)).sum(new int[] {1});
      ce = oneHot.mul(logp).sum(new int[] {1}).mul(w).sum().div(w.sum()).neg();
    }
    NDArray p = logp.exp();
    int[] axes = {0, 2, 3};
    NDArray inter = p.mul(oneHot).sum(axes);
    NDArray denom = p.sum(axes).add(oneHot.sum(axes));
    NDArray dice = inter.mul(2).add(1).div(denom.add(1));
    NDArray foreground = dice.get("1:");
    return ce.add(foreground.mean().neg().add(1));
  }
}
