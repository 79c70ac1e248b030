package org.medvlm.cli;

import com.google.gson.GsonBuilder;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.medvlm.BadInputException;
import org.medvlm.bench.InferenceBenchmark;
import org.medvlm.bench.IoBenchmark;
import org.medvlm.bench.TrainingMemoryBenchmark;
import org.medvlm.io.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Measure speed and memory; prints a table and optionally writes JSON.",
        "io: read and preprocess a 512 x 512 x 150 int16 .nii.gz (read time, preprocessing time, peak heap),",
        "    with plain gunzip of the same file as the in-run reference.",
        "infer: Med-VLM inference of all 13 organs with the image embedding shared by the prompts, against",
        "    encoding the image once per organ, and one organ alone (random weights), beside the engine's matmul rate.",
        "volume: seconds per --volume-slices-slice volume (default 150) at --infer-size for the U-Net and Med-VLM Small (with --large also Large),",
        "    one organ and all 13, random weights.",
        "models: forward speed of each encoder (ViT-Ti, MiniLM; with --large ViT-B, BioBERT) and the U-Net at --infer-size, batch --batch,",
        "    as achieved GFLOP/s (from the layer shapes) over the engine's matmul GFLOP/s measured in the same run.",
        "train: training steps per model (U-Net, Med-VLM Small; with --large Large) in slices/s, with the same ratio.",
        "memory: peak RSS of segment, all 13 organs of a 512 x 512 x --rss-slices int16 CT (default 200), in a fresh JVM per model",
        "    (Med-VLM Small; with --large also Large; random weights), then resident memory over --steps U-Net training steps",
        "    after a warm-up (drift should stay within 5%%).",
        "scan: the headline: segment, all 13 organs of --ct (a real scan), end to end in a fresh JVM, Med-VLM Small at 1.5 mm / 224 px",
        "    and at 3 mm / 112 px (TotalSegmentator --fast's resolution), random weights with every organ decoded on every slice",
        "    (the worst case); median wall time of --repeats runs (at most 3) and peak RSS. Part of all when --ct is given.",
        "Warm-up runs are excluded; figures are medians of --repeats runs."})
final class BenchCommand implements Callable<Integer> {
  enum Target { io, infer, volume, models, train, memory, scan, all }

  @Parameters(index = "0", defaultValue = "all", paramLabel = "TARGET", description = "What to measure: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Target target;

  @Option(names = "--json", paramLabel = "OUT", description = "Write the results as JSON.")
  Path json;

  @Option(names = "--size", defaultValue = "512", paramLabel = "PX", description = "In-plane size of the test volume (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(names = "--slices", defaultValue = "150", paramLabel = "N", description = "Slices of the test volume (default: ${DEFAULT-VALUE}).")
  int slices;

  @Option(names = "--repeats", defaultValue = "5", paramLabel = "N", description = "Measured runs after the warm-up (default: ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--steps", defaultValue = "2000", paramLabel = "N", description = "memory: training steps measured (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--train-size", defaultValue = "128", paramLabel = "PX", description = "memory: slice size (default: ${DEFAULT-VALUE}).")
  int trainSize;

  @Option(names = "--train-width", defaultValue = "8", paramLabel = "C", description = "memory: U-Net width (default: ${DEFAULT-VALUE}).")
  int trainWidth;

  @Option(names = "--rss-slices", defaultValue = "200", paramLabel = "N", description = "memory: slices of the 512 x 512 CT segmented for peak RSS (default: ${DEFAULT-VALUE}; 0 skips).")
  int rssSlices;

  @Option(names = "--rss-java-opts", defaultValue = "", paramLabel = "OPTS",
      description = "memory, scan: JVM options of the segment runs, e.g. -Xmx2g (default: none, as bin/medvlm without MEDVLM_JAVA_OPTS).")
  String rssJavaOpts;

  @Option(names = "--memory-model", defaultValue = "unet", paramLabel = "NAME",
      description = "memory: unet or a Med-VLM variant (random encoders, prompt vocabulary; default: ${DEFAULT-VALUE}).")
  String memoryModel;

  @Option(names = "--model", defaultValue = "medvlm-small", paramLabel = "NAME", description = "infer: Med-VLM variant (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--infer-size", defaultValue = "224", paramLabel = "PX", description = "infer: model input size (default: ${DEFAULT-VALUE}).")
  int inferSize;

  @Option(names = "--infer-slices", defaultValue = "16", paramLabel = "N", description = "infer: slices of the test volume (default: ${DEFAULT-VALUE}).")
  int inferSlices;

  @Option(names = "--batch", defaultValue = "8", paramLabel = "N", description = "infer: slices per forward pass (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--device", defaultValue = "auto", paramLabel = "D", description = "infer: cpu, gpu or auto (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--profile", paramLabel = "TRACE",
      description = "infer: also run the 13 organs once under PyTorch's operator profiler, write its trace (chrome://tracing, Perfetto) and print the operators that take the most time.")
  Path profile;

  @Option(names = "--volume-slices", defaultValue = "150", paramLabel = "N", description = "volume: slices of the test volume (default: ${DEFAULT-VALUE}).")
  int volumeSlices;

  @Option(names = "--large", description = "models/train: include ViT-B, BioBERT and Med-VLM Large (slow on CPUs).")
  boolean large;

  @Option(names = "--train-steps", defaultValue = "5", paramLabel = "N", description = "train: measured steps per model after one warm-up (default: ${DEFAULT-VALUE}).")
  int trainSteps;

  @Option(names = "--work-dir", paramLabel = "DIR", description = "Where to keep the generated test volume (default: a temporary folder, deleted after).")
  Path workDir;

  @Option(names = "--ct", paramLabel = "FILE", description = "scan: the real CT to segment (e.g. src/test/resources/real-ct/example_ct.nii.gz).")
  Path ct;

  @Option(names = "--overwrite", description = "Replace an existing --json output.")
  boolean overwrite;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  private static org.medvlm.train.MedVlmTask medVlmTask(String variant, int size) throws Exception {
    if (!org.medvlm.model.vlm.MedVlmConfig.VARIANTS.contains(variant)) {
      throw new BadInputException("--memory-model", "unknown model '" + variant + "' (unet, " + String.join(", ", org.medvlm.model.vlm.MedVlmConfig.VARIANTS) + ")");
    }
    return org.medvlm.train.MedVlmTask.withPromptVocabulary(variant, size, 1, java.util.List.of(org.medvlm.data.Organ.values()),
        org.medvlm.data.PromptLibrary.builtIn(), 64, 0.25f, false);
  }

  /** --rss-java-opts as a list of JVM options. */
  private List<String> segmentJvmOptions() {
    return rssJavaOpts.isBlank() ? List.of() : List.of(rssJavaOpts.trim().split("\\s+"));
  }

  @Override
  public Integer call() throws Exception {
    if (repeats < 1) throw new BadInputException("--repeats", "must be at least 1");
    if (slices < 1) throw new BadInputException("--slices", "must be at least 1");
    if (target == Target.scan && ct == null) throw new BadInputException("--ct", "bench scan needs the real CT to segment");
    if (ct != null && !Files.isRegularFile(ct)) throw new BadInputException(ct, "no such file");
    if (json != null) org.medvlm.io.RunOutputs.check(json, overwrite, java.util.Arrays.asList(ct), ".json");
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    boolean temp = workDir == null;
    Path dir = temp ? Files.createTempDirectory("medvlm-bench") : Files.createDirectories(workDir);
    Map<String, Object> results = new LinkedHashMap<>();
    results.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    results.put("cpus", Runtime.getRuntime().availableProcessors());
    results.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
    try {
      if (target == Target.io || target == Target.all) {
        IoBenchmark.Result io = IoBenchmark.run(dir, size, slices, repeats, err::println);
        results.put("io", io);
        out.printf(Locale.ROOT, "io: %d x %d x %d int16 .nii.gz (%.1f MB), %d repeats, %d CPUs, max heap %.0f MB%n",
            io.dims()[0], io.dims()[1], io.dims()[2], io.fileBytes() / 1e6, io.repeats(), Runtime.getRuntime().availableProcessors(),
            Runtime.getRuntime().maxMemory() / 1e6);
        out.printf(Locale.ROOT, "  %-34s %8.3f s%n", "gunzip only (reference)", io.gunzipSeconds());
        out.printf(Locale.ROOT, "  %-34s %8.3f s   (%.2f x gunzip)%n", "read NIfTI", io.readSeconds(), io.readOverGunzip());
        out.printf(Locale.ROOT, "  %-34s %8.3f s   (%d slices of 224 x 224)%n", "preprocess", io.preprocessSeconds(), io.preparedSlices());
        out.printf(Locale.ROOT, "  %-34s %8.3f s   (target < 3 s)%n", "read + preprocess", io.readSeconds() + io.preprocessSeconds());
        out.printf(Locale.ROOT, "  %-34s %8.0f MB  (target < 1500 MB)%n", "peak heap, read + preprocess", io.peakHeapBytes() / 1e6);
        out.printf(Locale.ROOT, "  %-34s %8.0f MB%n", "peak RSS of the process", io.peakRssBytes() / 1e6);
      }
      if (target == Target.infer || target == Target.all) {
        if (!org.medvlm.model.vlm.MedVlmConfig.VARIANTS.contains(model)) {
          throw new BadInputException("--model", "unknown Med-VLM variant '" + model + "' (available: " + String.join(", ", org.medvlm.model.vlm.MedVlmConfig.VARIANTS) + ")");
        }
        InferenceBenchmark.Result r = InferenceBenchmark.run(model, inferSize, inferSlices, batch, repeats, org.medvlm.device.Devices.parse(device), profile, err::println);
        results.put("infer", r);
        results.put("infer_sharing_speedup", r.sharingSpeedup());
        out.printf(Locale.ROOT, "infer: %s at %d px on %s, %d slices, batch %d, %d repeats; engine matmul %.1f GFLOP/s%n",
            r.variant(), r.size(), r.device(), r.slices(), r.batch(), repeats, r.matmulGflops());
        out.printf(Locale.ROOT, "  %-34s %8.3f s   (%.2f slices/s)%n", "13 organs, image encoded once", r.sharedSeconds(), r.slicesPerSecondAllOrgans());
        out.printf(Locale.ROOT, "  %-34s %8.3f s%n", "13 organs, image encoded per organ", r.perOrganSeconds());
        out.printf(Locale.ROOT, "  %-34s %8.2f x%n", "speed-up from sharing the image", r.sharingSpeedup());
        out.printf(Locale.ROOT, "  %-34s %8.3f s   (%.2f slices/s)%n", "one organ", r.oneOrganSeconds(), r.slices() / r.oneOrganSeconds());
        if (!r.profile().isEmpty()) {
          double total = r.profile().stream().mapToDouble(org.medvlm.bench.OpProfile.Op::selfMs).sum();
          out.printf(Locale.ROOT, "  operators of one 13-organ pass by self time (PyTorch profiler, %.2f s in operators; trace %s):%n", total / 1000, profile);
          for (var op : r.profile().subList(0, Math.min(15, r.profile().size()))) {
            out.printf(Locale.ROOT, "    %-32s %6d calls %9.1f ms  %5.1f %%%n", op.name(), op.calls(), op.selfMs(), 100 * op.selfMs() / total);
          }
        }
      }
      if (target == Target.volume || target == Target.all) {
        List<String> models = new java.util.ArrayList<>(List.of("unet", "medvlm-small"));
        if (large) models.add("medvlm-large");
        var entries = org.medvlm.bench.VolumeSpeedBenchmark.run(models, inferSize, volumeSlices, batch, Math.min(repeats, 3), org.medvlm.device.Devices.parse(device),
            err::println);
        results.put("volume", entries);
        out.printf(Locale.ROOT, "volume: %d-slice phantom at %d px, batch %d, random weights, median of %d%n", entries.get(0).slices(), inferSize, batch, Math.min(repeats, 3));
        for (var e : entries) {
          out.printf(Locale.ROOT, "  %-34s %8.1f s one organ, %8.1f s all 13 organs (%.2f slices/s)%n", e.model(), e.oneOrganSeconds(), e.allOrgansSeconds(),
              e.slicesPerSecondAllOrgans());
        }
      }
      if (target == Target.models || target == Target.train || target == Target.all) {
        var r = org.medvlm.bench.ModelSpeedBenchmark.run(inferSize, batch, repeats, trainSteps, large, target != Target.train, target != Target.models,
            org.medvlm.device.Devices.parse(device), err::println);
        results.put("models", r);
        out.printf(Locale.ROOT, "models: batch %d on %s; engine matmul %.1f GFLOP/s (1024 x 1024 float32, best of 5)%n", batch, r.device(), r.matmulGflops());
        List<org.medvlm.bench.ModelSpeedBenchmark.Entry> rows = new java.util.ArrayList<>();
        if (target != Target.train) rows.addAll(r.inference());
        if (target != Target.models) rows.addAll(r.training());
        for (var e : rows) {
          out.printf(Locale.ROOT, "  %-34s %8.2f %-12s %7.1f GFLOP/s  %.2f x matmul  (%s)%n", e.name(), e.itemsPerSecond(), e.unit(), e.gflops(), e.matmulRatio(), e.flopsNote());
        }
      }
      if ((target == Target.scan || target == Target.all) && ct != null) {
        List<String> opts = segmentJvmOptions();
        var scan = org.medvlm.bench.RealScanBenchmark.run(ct, dir.resolve("scan"), opts, Math.min(repeats, 3), err::println);
        results.put("scan", scan);
        out.printf(Locale.ROOT, "scan: segment, all 13 organs of %s, end to end in a fresh JVM%s, random weights, every pair decoded (worst case)%n",
            ct.getFileName(), opts.isEmpty() ? "" : " (" + String.join(" ", opts) + ")");
        for (var e : scan) {
          out.printf(Locale.ROOT, "  %-34s %8.1f s  %6.2f GB peak RSS   (target 16 s, 3 GB)%n",
              String.format(Locale.ROOT, "%s, %d px at %.1f mm", e.model(), e.size(), e.spacingMm()), e.seconds(), e.peakRssBytes() / 1e9);
        }
      }
      if (target == Target.memory || target == Target.all) {
        if (steps < 100) throw new BadInputException("--steps", "must be at least 100");
        if (rssSlices > 0) {
          List<String> variants = large ? List.of("medvlm-small", "medvlm-large") : List.of("medvlm-small");
          List<String> opts = segmentJvmOptions();
          var rss = org.medvlm.bench.InferenceMemoryBenchmark.run(variants, rssSlices, dir.resolve("rss"), opts, err::println);
          results.put("inference_memory", rss);
          out.printf(Locale.ROOT, "memory: segment, all 13 organs of a %d x %d x %d int16 CT, fresh JVM%s, random weights%n",
              rss.get(0).dims()[0], rss.get(0).dims()[1], rss.get(0).dims()[2], opts.isEmpty() ? "" : " (" + String.join(" ", opts) + ")");
          for (var e : rss) {
            String targetText = e.model().equals("medvlm-large") ? "(target < 6 GB)" : "(target < 4 GB)";
            out.printf(Locale.ROOT, "  %-34s %8.2f GB peak RSS %s, %.1f s end to end%n", e.model(), e.peakRssBytes() / 1e9, targetText, e.seconds());
          }
        }
        TrainingMemoryBenchmark.Result m;
        String what;
        if (memoryModel.equals("unet")) {
          m = TrainingMemoryBenchmark.run(steps, 500, trainSize, trainWidth, 4, err::println);
          what = "U-Net (width " + trainWidth + ")";
        } else {
          m = TrainingMemoryBenchmark.run(medVlmTask(memoryModel, trainSize), steps, 500, 4, err::println);
          what = memoryModel;
        }
        results.put("memory", m);
        results.put("memory_model", memoryModel);
        out.printf(Locale.ROOT, "memory: %d %s training steps (%d x %d, batch 4) after %d warm-up steps, %.1f steps/s%n",
            m.steps(), what, trainSize, trainSize, m.warmup(), m.stepsPerSecond());
        out.printf(Locale.ROOT, "  %-34s %8.0f MB -> %.0f MB (max %.0f MB)%n", "resident memory, first -> last", m.rss()[0] / 1e6,
            m.rss()[m.rss().length - 1] / 1e6, java.util.Arrays.stream(m.rss()).max().orElse(0) / 1e6);
        out.printf(Locale.ROOT, "  %-34s %+8.2f %%   (target within 5%%)%n", "drift, first 3 -> last 3 samples", m.driftPercent());
      }
    } finally {
      if (temp) {
        try (var s = Files.walk(dir)) {
          s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
    if (json != null) {
      String text = new GsonBuilder().setPrettyPrinting().create().toJson(results);
      AtomicFiles.writeText(json, overwrite, text);
    }
    return Main.OK;
  }
}
