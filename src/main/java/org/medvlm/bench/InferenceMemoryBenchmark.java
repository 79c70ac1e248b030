package org.medvlm.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.medvlm.data.Organ;
import org.medvlm.data.PhantomGenerator;
import org.medvlm.data.PromptLibrary;
import org.medvlm.io.AtomicFiles;
import org.medvlm.io.NiftiDatatype;
import org.medvlm.io.NiftiWriter;
import org.medvlm.preprocess.PreprocessConfig;
import org.medvlm.checkpoint.Checkpoint;
import org.medvlm.train.MedVlmTask;

/**
 * Peak resident memory of 13-organ inference as a user runs it: {@code segment} of all 13 organs
 * of a 512 x 512 x {@code slices} int16 CT in a fresh JVM per model (Med-VLM variants at 224 px
 * with random weights, written as a checkpoint first), its peak RSS (Linux VmHWM) sampled every
 * 50 ms until it exits, and its wall time from JVM start to the written labels.
 */
public final class InferenceMemoryBenchmark {
  public record Entry(String model, int[] dims, double seconds, long peakRssBytes, List<String> jvmOptions) {}

  private InferenceMemoryBenchmark() {}

  public static List<Entry> run(List<String> models, int slices, Path work, List<String> jvmOptions, Consumer<String> progress) throws Exception {
    Files.createDirectories(work);
    Path ct = work.resolve("ct-512x512x" + slices + ".nii.gz");
    int[] dims;
    if (!Files.exists(ct)) {
      progress.accept("generating a 512 x 512 x " + slices + " int16 phantom ...");
      var p = PhantomGenerator.generate(9, 1, 512, slices);
      NiftiWriter.write(p.image(), ct, NiftiDatatype.INT16, false);
      dims = p.image().dims();
    } else {
      dims = org.medvlm.io.NiftiReader.readImage(ct).dims();
    }
    List<Entry> out = new ArrayList<>();
    for (String model : models) {
      Path ckpt = work.resolve(model + "-random.ckpt");
      if (!Files.exists(ckpt)) {
        progress.accept(model + ": writing a checkpoint with random weights ...");
        writeRandomCheckpoint(model, 224, PreprocessConfig.defaults().spacing()[0], ckpt);
      }
      progress.accept(model + ": segment, all 13 organs, in a fresh JVM " + String.join(" ", jvmOptions) + " ...");
      Run r = segmentInFreshJvm(ckpt, ct, work.resolve("seg-" + model + ".nii.gz"), jvmOptions, work.resolve("segment-" + model + ".log"));
      out.add(new Entry(model, dims, r.seconds(), r.peakRssBytes(), List.copyOf(jvmOptions)));
      progress.accept(String.format(java.util.Locale.ROOT, "%s: %.1f s, peak RSS %.2f GB", model, r.seconds(), r.peakRssBytes() / 1e9));
    }
    return out;
  }

  /** Wall time from JVM start to the written labels, and the peak resident set size. */
  record Run(double seconds, long peakRssBytes) {}

  /**
   * {@code segment} of all the checkpoint's organs of {@code ct} in a new JVM, as {@code bin/medvlm}
   * runs it; its peak RSS (Linux VmHWM) is sampled every 50 ms until it exits.
   */
  static Run segmentInFreshJvm(Path ckpt, Path ct, Path seg, List<String> jvmOptions, Path log) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), "org.medvlm.cli.Main", "segment", "--model", ckpt.toString(),
        "--input", ct.toString(), "--out", seg.toString(), "--overwrite", "--device", "cpu"));
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long peak = 0;
    while (!p.waitFor(50, TimeUnit.MILLISECONDS)) peak = Math.max(peak, IoBenchmark.peakRss(p.pid()));
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (p.exitValue() != 0) throw new IllegalStateException("segment with " + ckpt.getFileName() + " failed (exit " + p.exitValue() + "): " + Files.readString(log).strip());
    return new Run(seconds, peak);
  }

  /**
   * A checkpoint of the variant at {@code size} px and {@code spacingMm} in-plane for all 13
   * organs with the engine's random initial weights, its presence score saying "present" for every
   * pair (the worst case for speed and memory).
   */
  static void writeRandomCheckpoint(String variant, int size, double spacingMm, Path file) throws IOException {
    List<Organ> all = Arrays.asList(Organ.values());
    MedVlmTask task = MedVlmTask.withPromptVocabulary(variant, size, 1, all, PromptLibrary.builtIn(), 64, 0.25f, false);
    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
      Engine.getInstance().setRandomSeed(1);
      task.block().initialize(m, DataType.FLOAT32, task.inputShape(1));
      WorstCase.presumeEveryOrganPresent(task.model().block()); // the worst case: every pair upsampled
      JsonObject more = new JsonObject();
      more.addProperty("epoch", -1);
      more.addProperty("note", "random weights, for benchmarks only");
      PreprocessConfig pre = PreprocessConfig.defaults().withSize(size).withSpacing(new double[] {spacingMm, spacingMm, Double.NaN});
      Checkpoint c = Checkpoint.of(task.modelType(), task.describe(), task.block(), all, pre, more, new byte[0]);
      AtomicFiles.write(file, true, c::writeTo);
    }
  }
}
