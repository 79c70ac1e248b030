package org.medvlm.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The headline measurement: {@code segment} of all 13 organs of a real scan, end to end (JVM
 * start, checkpoint, read, preprocess, infer, write) in a fresh JVM, with Med-VLM Small at the
 * study's 1.5 mm / 224 px and at 3 mm / 112 px, the resolution of TotalSegmentator's fast mode
 * that the target's 16 s refers to. Random weights, with the presence score saying "present" for
 * every (slice, organ) pair: every mask is upsampled, the worst case (a trained model skips the
 * organs a slice does not show).
 */
public final class RealScanBenchmark {
  /** One setting: input size and in-plane spacing, wall time and peak RSS. */
  public record Entry(String model, int size, double spacingMm, double seconds, long peakRssBytes, List<String> jvmOptions) {}

  /** The settings measured: the study's, and TotalSegmentator-fast's resolution. */
  static final int[] SIZES = {224, 112};
  static final double[] SPACINGS = {1.5, 3.0};

  private RealScanBenchmark() {}

  public static List<Entry> run(Path ct, Path work, List<String> jvmOptions, int repeats, Consumer<String> progress) throws Exception {
    Files.createDirectories(work);
    List<Entry> out = new ArrayList<>();
    for (int i = 0; i < SIZES.length; i++) {
      String name = String.format(Locale.ROOT, "medvlm-small-%dpx-%.1fmm", SIZES[i], SPACINGS[i]);
      Path ckpt = work.resolve(name + "-random.ckpt");
      if (!Files.exists(ckpt)) InferenceMemoryBenchmark.writeRandomCheckpoint("medvlm-small", SIZES[i], SPACINGS[i], ckpt);
      double[] seconds = new double[repeats];
      long peak = 0;
      for (int r = 0; r < repeats; r++) {
        var run = InferenceMemoryBenchmark.segmentInFreshJvm(ckpt, ct, work.resolve("seg-" + name + ".nii.gz"), jvmOptions, work.resolve("segment-" + name + ".log"));
        seconds[r] = run.seconds();
        peak = Math.max(peak, run.peakRssBytes());
        progress.accept(String.format(Locale.ROOT, "scan: %s run %d: %.1f s, peak RSS %.2f GB", name, r + 1, run.seconds(), run.peakRssBytes() / 1e9));
      }
      out.add(new Entry("medvlm-small", SIZES[i], SPACINGS[i], IoBenchmark.median(seconds), peak, List.copyOf(jvmOptions)));
    }
    return out;
  }
}
