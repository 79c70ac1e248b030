package org.medvlm.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.medvlm.data.Organ;
import org.medvlm.data.PhantomGenerator;
import org.medvlm.data.PromptLibrary;
import org.medvlm.preprocess.PreparedVolume;
import org.medvlm.preprocess.PreprocessConfig;
import org.medvlm.preprocess.Preprocessor;
import org.medvlm.infer.SliceProgress;
import org.medvlm.train.MedVlmTask;

/**
 * Med-VLM inference speed on a phantom volume (random weights: speed does not depend on them):
 * all 13 organs with the image embedding shared by the prompts, against encoding the image once
 * per organ, and one organ alone; plus the engine's own matrix-multiply rate as the reference.
 */
public final class InferenceBenchmark {
  private InferenceBenchmark() {}

  /**
   * @param sharedSeconds all organs, image encoded once per slice batch (median)
   * @param perOrganSeconds all organs, image encoded once per organ (median)
   * @param oneOrganSeconds one organ (median)
   */
  public record Result(String variant, int size, int slices, int organs, int batch, double sharedSeconds, double perOrganSeconds, double oneOrganSeconds,
      double matmulGflops, String device, List<OpProfile.Op> profile) {
    public double sharingSpeedup() {
      return perOrganSeconds / sharedSeconds;
    }

    public double slicesPerSecondAllOrgans() {
      return slices / sharedSeconds;
    }
  }

  /** @param profileTrace where to write a PyTorch operator trace of one more 13-organ pass (null: none) */
  public static Result run(String variant, int size, int slices, int batch, int repeats, Device device, java.nio.file.Path profileTrace,
      Consumer<String> progress) throws Exception {
    var phantom = PhantomGenerator.generate(1, 1, 256, slices);
    PreprocessConfig pre = PreprocessConfig.defaults().withSize(size);
    PreparedVolume v = new Preprocessor(pre).prepare(phantom.image());
    PromptLibrary lib = PromptLibrary.builtIn();
    List<Organ> organs = Arrays.asList(Organ.values());
    try (NDManager root = NDManager.newBaseManager(device)) {
      Engine.getInstance().setRandomSeed(1);
      MedVlmTask task = MedVlmTask.withPromptVocabulary(variant, size, 1, organs, lib, 64, 0.25f, false);
      progress.accept("bench infer: " + variant + " at " + size + " px on " + device + ", " + v.depth() + " slices, batch " + batch);
      task.block().initialize(root, DataType.FLOAT32, task.inputShape(batch));
      WorstCase.presumeEveryOrganPresent(task.model().block()); // the worst case: every pair upsampled
      ParameterStore ps = new ParameterStore(root, false);
      List<String> prompts = organs.stream().map(task.model()::promptFor).toList();
      task.model().probabilities(root, ps, v, prompts.subList(0, 1), batch, SliceProgress.NONE); // warm-up
      double[] shared = new double[repeats];
      double[] perOrgan = new double[repeats];
      double[] one = new double[repeats];
      for (int r = 0; r < repeats; r++) {
        long t0 = System.nanoTime();
        task.model().probabilities(root, ps, v, prompts, batch, SliceProgress.NONE);
        shared[r] = (System.nanoTime() - t0) / 1e9;
        t0 = System.nanoTime();
        for (String p : prompts) task.model().probabilities(root, ps, v, List.of(p), batch, SliceProgress.NONE);
        perOrgan[r] = (System.nanoTime() - t0) / 1e9;
        t0 = System.nanoTime();
        task.model().probabilities(root, ps, v, prompts.subList(0, 1), batch, SliceProgress.NONE);
        one[r] = (System.nanoTime() - t0) / 1e9;
        progress.accept(String.format(java.util.Locale.ROOT, "  repeat %d: shared %.2f s, per organ %.2f s, one organ %.2f s", r + 1, shared[r], perOrgan[r], one[r]));
      }
      List<OpProfile.Op> ops = profileTrace == null ? List.of() : OpProfile.run(profileTrace, () -> task.model().probabilities(root, ps, v, prompts, batch, SliceProgress.NONE));
      return new Result(variant, size, v.depth(), organs.size(), batch, IoBenchmark.median(shared), IoBenchmark.median(perOrgan), IoBenchmark.median(one),
          matmulGflops(root), device.toString(), ops);
    }
  }

  /** The engine's float32 matrix-multiply rate (GFLOP/s) on 1024 x 1024 matrices, best of 5. */
  public static double matmulGflops(NDManager root) {
    int n = 1024;
    try (NDManager m = root.newSubManager()) {
      NDArray a = m.randomNormal(new Shape(n, n));
      NDArray b = m.randomNormal(new Shape(n, n));
      a.matMul(b).close();
      double best = Double.MAX_VALUE;
      for (int i = 0; i < 5; i++) {
        long t0 = System.nanoTime();
        NDArray c = a.matMul(b);
        c.getFloat(0, 0); // forces completion on asynchronous devices
        best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        c.close();
      }
      return 2.0 * n * n * n / best / 1e9;
    }
  }


}
