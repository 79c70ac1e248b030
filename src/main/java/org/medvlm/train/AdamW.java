package org.medvlm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;

/**
 * AdamW (Loshchilov and Hutter: Adam with decoupled weight decay). Our own rather than DJL's
 * because a checkpoint must hold the moment estimates, which DJL's optimiser keeps private.
 * Also zeroes the gradients after each step (DJL's PyTorch engine leaves them accumulating).
 */
public final class AdamW {
  private final List<Parameter> params;
  private float lr;
  private final float weightDecay;
  private final float beta1 = 0.9f;
  private final float beta2 = 0.999f;
  private final float eps = 1e-8f;
  private final List<NDArray> m = new ArrayList<>();
  private final List<NDArray> v = new ArrayList<>();
  private final float[] lrScales;
  private long steps;

  /** {@code params}: the trainable parameters, in a fixed order; state lives in {@code manager}. */
  private float maxNorm;
  private long skipped;
  private int consecutiveSkips;
  private List<Parameter> lastNonFinite = List.of();

  public AdamW(List<Parameter> params, float lr, float weightDecay, NDManager manager) {
    this.params = params;
    this.lr = lr;
    this.weightDecay = weightDecay;
    this.lrScales = new float[params.size()];
    java.util.Arrays.fill(lrScales, 1f);
    for (Parameter p : params) {
      NDArray w = p.getArray();
      m.add(manager.zeros(w.getShape(), w.getDataType(), w.getDevice()));
      v.add(manager.zeros(w.getShape(), w.getDataType(), w.getDevice()));
    }
  }

  /**
   * Scales the gradients so their global L2 norm is at most {@code maxNorm} (as PyTorch's
   * clip_grad_norm_) before each update; 0 = off.
   */
  public AdamW clipGradients(float maxNorm) {
    this.maxNorm = maxNorm;
    return this;
  }

  /**
   * Lets some parameters learn faster or slower than the base rate: each one's step size is the
   * learning rate times {@code scale} of it (weight decay too, as per-group rates in PyTorch).
   */
  public AdamW scaleLearningRates(java.util.function.ToDoubleFunction<Parameter> scale) {
    for (int i = 0; i < params.size(); i++) lrScales[i] = (float) scale.applyAsDouble(params.get(i));
    return this;
  }

  /** Sets the step size of the following updates (a learning-rate schedule). */
  public void setLearningRate(float lr) {
    this.lr = lr;
  }

  public long steps() {
    return steps;
  }

  /** Steps skipped so far because the loss or the gradients were not finite. */
  public long skippedSteps() {
    return skipped;
  }

  /** Skips of the last steps in a row (0 after any real update). */
  public int consecutiveSkips() {
    return consecutiveSkips;
  }

  /**
   * The parameters whose gradients held NaN or an infinity at the last step skipped for a
   * non-finite gradient norm (empty before any), to tell the user where training breaks.
   */
  public List<Parameter> lastNonFiniteGradients() {
    return lastNonFinite;
  }

  private List<Parameter> nonFiniteGradients() {
    List<Parameter> bad = new ArrayList<>();
    for (Parameter p : params) {
      NDArray w = p.getArray();
      try (NDManager scope = w.getManager().newSubManager()) {
        NDArray g = w.getGradient();
        g.attach(scope);
        if (g.isNaN().logicalOr(g.isInfinite()).any().getBoolean()) bad.add(p);
      }
    }
    return List.copyOf(bad);
  }

  /** Discards the current gradients without updating (a non-finite loss). */
  public void skip() {
    skipped++;
    consecutiveSkips++;
    for (Parameter p : params) {
      NDArray w = p.getArray();
      try (NDManager scope = w.getManager().newSubManager()) {
        NDArray g = w.getGradient();
        g.attach(scope);
        g.set(new NDIndex("..."), 0f); // not g - g: that keeps NaN
      }
    }
  }

  /**
   * One update from the current gradients, which are then zeroed. Call outside gradient
   * recording. With clipping on, gradients whose norm is not finite are discarded instead
   * (returns false), as mixed-precision trainers skip overflowing steps.
   */
  public boolean step() {
    float gradScale = 1f;
    if (maxNorm > 0) {
      double norm = 0;
      if (!params.isEmpty()) {
        // summed on the device, read back once: no host round trip per parameter
        try (NDManager scope = params.get(0).getArray().getManager().newSubManager()) {
          NDArray sq = null;
          for (Parameter p : params) {
            NDArray g = p.getArray().getGradient();
            g.attach(scope); // the gradient handle and everything computed from it live here
            NDArray s = g.square().sum();
            sq = sq == null ? s : sq.addi(s);
          }
          norm = Math.sqrt(sq.getFloat());
        }
      }
      if (!Double.isFinite(norm)) {
        lastNonFinite = nonFiniteGradients();
        skip();
        return false;
      }
      if (norm > maxNorm) gradScale = (float) (maxNorm / (norm + 1e-6));
    }
    steps++;
    consecutiveSkips = 0;
    float c1 = (float) (1 - Math.pow(beta1, steps));
    float c2 = (float) (1 - Math.pow(beta2, steps));
    for (int i = 0; i < params.size(); i++) {
      NDArray w = params.get(i).getArray();
      // Every temporary is attached to a per-parameter scope: results of ops on m, v or w would
      // otherwise belong to their long-lived managers and leak each step.
      try (NDManager scope = w.getManager().newSubManager()) {
        NDArray g = w.getGradient();
        g.attach(scope);
        if (gradScale != 1f) g.muli(gradScale);
        NDArray mi = m.get(i), vi = v.get(i);
        NDArray gm = g.mul(1 - beta1);
        NDArray gv = g.square().muli(1 - beta2);
        mi.muli(beta1).addi(gm);
        vi.muli(beta2).addi(gv);
        NDArray mhat = mi.div(c1);
        NDArray vhat = vi.div(c2);
        mhat.attach(scope);
        vhat.attach(scope);
        float rate = lr * lrScales[i];
        NDArray update = mhat.divi(vhat.sqrt().addi(eps)).muli(rate);
        if (weightDecay > 0) w.muli(1 - rate * weightDecay);
        w.subi(update);
        g.subi(g);
      }
    }
    return true;
  }

  /** Moment estimates for a checkpoint: m and v of each parameter, in order. */
  public NDList state() {
    NDList out = new NDList();
    for (int i = 0; i < params.size(); i++) {
      out.add(m.get(i));
      out.add(v.get(i));
    }
    return out;
  }

  /** Restores {@link #state()} and the step count. */
  public void restore(NDList state, long stepCount) {
    if (state.size() != 2 * params.size()) {
      throw new IllegalArgumentException("optimiser state has " + state.size() + " arrays, expected " + 2 * params.size());
    }
    for (int i = 0; i < params.size(); i++) {
      org.medvlm.model.ArrayValues.overwrite(m.get(i), state.get(2 * i).toFloatArray());
      org.medvlm.model.ArrayValues.overwrite(v.get(i), state.get(2 * i + 1).toFloatArray());
    }
    steps = stepCount;
  }
}
