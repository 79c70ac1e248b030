package org.medvlm.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.medvlm.preprocess.Augmenter;

/**
 * One optimisation step: forward and loss in a step-scoped manager (released when the step
 * ends), backward, AdamW update. The trainer and the memory benchmark both call this, so the
 * benchmark measures exactly what training does.
 */
public final class TrainStep {
  private TrainStep() {}

  /** Enables gradients on the block's trainable parameters and returns them in a fixed order. */
  public static java.util.List<ai.djl.nn.Parameter> trainableParameters(ai.djl.nn.Block block) {
    java.util.List<ai.djl.nn.Parameter> params = new java.util.ArrayList<>();
    for (var p : block.getParameters().values()) {
      if (p.requiresGradient()) {
        p.getArray().setRequiresGradient(true);
        params.add(p);
      }
    }
    return params;
  }

  /** More non-finite steps in a row than this stop training. */
  static final int MAX_CONSECUTIVE_SKIPS = 20;

  /** {@link #run(SegmentationTask, NDManager, Replicas, AdamW, List)} on one device. */
  public static double run(SegmentationTask task, NDManager root, ParameterStore ps, AdamW opt, List<Augmenter.Sample> batch) {
    return run(task, root, Replicas.single(ps, root.getDevice()), opt, batch);
  }

  /**
   * One data-parallel step: the batch split over the replicas, their gradients summed into the
   * optimiser's parameters, the update copied back to every replica. Returns the batch loss, or
   * NaN for a step skipped because the loss was not finite.
   */
  public static double run(SegmentationTask task, NDManager root, Replicas replicas, AdamW opt, List<Augmenter.Sample> batch) {
    double value;
    try (NDManager step = root.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray loss = task.loss(step, replicas, batch, true);
      gc.backward(loss);
      value = loss.getFloat(); // the step's one read back to the host
    }
    replicas.reduceGradients();
    if (Double.isFinite(value)) opt.step();
    else opt.skip();
    replicas.broadcast();
    if (opt.consecutiveSkips() > MAX_CONSECUTIVE_SKIPS) {
      boolean kernelsMayCause = "cpu".equals(root.getDevice().getDeviceType()) && !"SSE41".equalsIgnoreCase(String.valueOf(System.getenv("DNNL_MAX_CPU_ISA")));
      throw new IllegalStateException("training diverged: " + opt.consecutiveSkips() + " steps in a row with a non-finite loss or gradient after step "
          + opt.steps() + (kernelsMayCause
              ? "; on a CPU PyTorch's oneDNN kernels can cause this (seen on AMD EPYC): set DNNL_MAX_CPU_ISA=SSE41 in the environment and start again;"
                  + " else lower the learning rate or resume from the last good checkpoint"
              : "; lower the learning rate or resume from the last good checkpoint"));
    }
    return Double.isFinite(value) ? value : Double.NaN;
  }
}
