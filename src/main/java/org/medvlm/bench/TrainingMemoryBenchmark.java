package org.medvlm.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.medvlm.data.Organ;
import org.medvlm.model.UNetConfig;
import org.medvlm.preprocess.Augmenter;
import org.medvlm.train.AdamW;
import org.medvlm.train.SegmentationTask;
import org.medvlm.train.TrainStep;
import org.medvlm.train.UNetTask;

/**
 * Native and Java memory over many training steps: resident set size sampled every 100 steps
 * after a warm-up, with the drift from the mean of the first three samples to the mean of the
 * last three. The warm-up must cover the allocator's and the JIT's settling (about 300 steps
 * here), which is growth that stops, not a leak. Flat memory means every
 * step releases its arrays. Random images and labels are fine: memory does not depend on them.
 */
public final class TrainingMemoryBenchmark {
  /** RSS samples in bytes, one per {@code every} steps after the warm-up. */
  public record Result(int steps, int warmup, long[] rss, double driftPercent, double stepsPerSecond) {}

  private TrainingMemoryBenchmark() {}

  /** The U-Net of the given width (depth 4, 13 organs) at size x size. */
  public static Result run(int steps, int warmup, int size, int width, int batch, Consumer<String> progress) {
    List<Organ> organs = List.of(Organ.values());
    return run(new UNetTask(new UNetConfig(1, organs.size() + 1, width, 4), organs, size), steps, warmup, batch, progress);
  }

  /** Any model's training step (Med-VLM: every slice paired with the 13 organs of its random labels). */
  public static Result run(SegmentationTask task, int steps, int warmup, int batch, Consumer<String> progress) {
    List<Organ> organs = List.of(Organ.values());
    int size = (int) task.inputShape(1).get(2);
    SplittableRandom rnd = new SplittableRandom(1);
    List<Augmenter.Sample> data = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      float[] img = new float[size * size];
      int[] lab = new int[size * size];
      for (int k = 0; k < img.length; k++) {
        img[k] = (float) rnd.nextDouble();
        lab[k] = rnd.nextInt(organs.size() + 1);
      }
      data.add(new Augmenter.Sample(img, lab, size, i));
    }
    try (NDManager root = NDManager.newBaseManager(Device.cpu())) {
      task.block().initialize(root, DataType.FLOAT32, task.inputShape(batch));
      task.prepareForTraining();
      AdamW opt = new AdamW(TrainStep.trainableParameters(task.block()), 1e-4f, 1e-4f, root).clipGradients(task.gradientClip());
      ParameterStore ps = new ParameterStore(root, false);
      int every = 100;
      long[] rss = new long[steps / every + 1];
      int n = 0;
      long t0 = 0;
      for (int s = -warmup; s < steps; s++) {
        if (s == 0) t0 = System.nanoTime();
        int from = Math.floorMod(s * batch, data.size() - batch);
        TrainStep.run(task, root, ps, opt, data.subList(from, from + batch));
        if (s >= 0 && s % every == 0) {
          rss[n++] = IoBenchmark.currentRss();
          progress.accept(String.format(java.util.Locale.ROOT, "step %d/%d: RSS %.0f MB", s, steps, rss[n - 1] / 1e6));
        }
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      long[] samples = java.util.Arrays.copyOf(rss, n);
      double first = (samples[0] + samples[Math.min(1, n - 1)] + samples[Math.min(2, n - 1)]) / 3.0;
      double last = (samples[n - 1] + samples[Math.max(0, n - 2)] + samples[Math.max(0, n - 3)]) / 3.0;
      double drift = 100.0 * (last - first) / first;
      return new Result(steps, warmup, samples, drift, steps / seconds);
    }
  }
}
