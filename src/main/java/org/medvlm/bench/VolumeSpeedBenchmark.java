package org.medvlm.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.medvlm.data.Organ;
import org.medvlm.data.PhantomGenerator;
import org.medvlm.data.PromptLibrary;
import org.medvlm.device.Devices;
import org.medvlm.model.UNetConfig;
import org.medvlm.preprocess.PreparedVolume;
import org.medvlm.preprocess.PreprocessConfig;
import org.medvlm.preprocess.Preprocessor;
import org.medvlm.train.MedVlmTask;
import org.medvlm.train.SegmentationTask;
import org.medvlm.train.UNetTask;

/**
 * Inference time of whole volumes, per model (random weights; the study's U-Net and the named
 * Med-VLM variants at their input size): seconds for one organ and for all 13 on a phantom of
 * {@code slices} axial slices, after a warm-up; medians of the repeats.
 */
public final class VolumeSpeedBenchmark {
  public record Entry(String model, int slices, int size, double oneOrganSeconds, double allOrgansSeconds, double slicesPerSecondAllOrgans) {}

  private VolumeSpeedBenchmark() {}

  public static List<Entry> run(List<String> models, int size, int slices, int batch, int repeats, Device device, Consumer<String> progress) throws Exception {
    Devices.noGradientsOnThisThread();
    var phantom = PhantomGenerator.generate(1, 3, 256, slices);
    PreparedVolume v = new Preprocessor(PreprocessConfig.defaults().withSize(size)).prepare(phantom.image());
    List<Organ> all = Arrays.asList(Organ.values());
    List<Entry> out = new ArrayList<>();
    for (String model : models) {
      SegmentationTask task = model.equals("unet") ? new UNetTask(UNetConfig.standard(1, all.size() + 1), all, size)
          : MedVlmTask.withPromptVocabulary(model, size, 1, all, PromptLibrary.builtIn(), 64, 0.25f, false);
      try (NDManager root = NDManager.newBaseManager(device)) {
        Engine.getInstance().setRandomSeed(1);
        task.block().initialize(root, DataType.FLOAT32, task.inputShape(batch));
        if (task instanceof MedVlmTask vlm) WorstCase.presumeEveryOrganPresent(vlm.model().block()); // the worst case: every pair upsampled
        ParameterStore ps = new ParameterStore(root, false);
        task.model().predict(root, ps, v, batch, List.of(Organ.LIVER), org.medvlm.infer.SliceProgress.NONE); // warm-up
        double[] one = new double[repeats];
        double[] every = new double[repeats];
        for (int r = 0; r < repeats; r++) {
          long t0 = System.nanoTime();
          task.model().predict(root, ps, v, batch, List.of(Organ.LIVER), org.medvlm.infer.SliceProgress.NONE);
          one[r] = (System.nanoTime() - t0) / 1e9;
          t0 = System.nanoTime();
          task.model().predict(root, ps, v, batch, all, org.medvlm.infer.SliceProgress.NONE);
          every[r] = (System.nanoTime() - t0) / 1e9;
        }
        double a = IoBenchmark.median(every);
        Entry e = new Entry(model, v.depth(), size, IoBenchmark.median(one), a, v.depth() / a);
        progress.accept(String.format(Locale.ROOT, "bench volume: %-13s %d slices at %d px: one organ %.1f s, 13 organs %.1f s (%.2f slices/s)", model, v.depth(),
            size, e.oneOrganSeconds(), a, e.slicesPerSecondAllOrgans()));
        out.add(e);
      }
    }
    return out;
  }
}
