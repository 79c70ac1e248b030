package org.medvlm.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import net.imglib2.type.numeric.real.FloatType;
import org.medvlm.BadInputException;
import org.medvlm.io.CaseId;
import org.medvlm.data.Organ;
import org.medvlm.infer.CtCheck;
import org.medvlm.device.Devices;
import org.medvlm.infer.CaseFolder;
import org.medvlm.infer.Segmenter;
import org.medvlm.infer.Shards;
import org.medvlm.io.AtomicFiles;
import org.medvlm.io.DicomSeriesReader;
import org.medvlm.io.NiftiDatatype;
import org.medvlm.io.NiftiReader;
import org.medvlm.io.NiftiWriter;
import org.medvlm.io.RunOutputs;
import org.medvlm.io.VolumeIO;
import org.medvlm.volume.Volume;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "segment", mixinStandardHelpOptions = true,
    description = {"Segment CT volumes with a trained model; labels (BTCV ids) on exactly the input's grid.",
        "--input: a NIfTI file, a DICOM series folder, or a folder of NIfTI files and DICOM series folders.",
        "For a folder, --out is a folder: <case>_seg.nii.gz per case and volumes.csv; finished cases are skipped.",
        "--shard I/N splits a folder over the N tasks of a job array (scripts/slurm/, docs/cluster.md)."})
final class SegmentCommand implements Callable<Integer> {
  @Option(names = "--model", paramLabel = "CKPT",
      description = "Checkpoint file, a training folder (its best checkpoint), or builtin:starter-unet, the default: a starter U-Net trained on two real patients and phantoms (docs/models.md; not a clinical model).")
  String modelSpec;

  /** The model file or folder to run: --model, else the starter model. */
  private Path model;

  @Option(names = "--input", required = true, paramLabel = "IN", description = "NIfTI file, DICOM folder, or folder of cases.")
  Path input;

  @Option(names = "--out", required = true, paramLabel = "OUT", description = "Output .nii/.nii.gz, or a folder for folder input.")
  Path out;

  @Option(names = "--organs", defaultValue = "all", paramLabel = "LIST", description = "Organs to keep, e.g. spleen,liver (default: all the model knows).")
  String organs;

  @Option(names = "--prompt", paramLabel = "TEXT",
      description = "Med-VLM: segment what a free-text description names (one binary mask, label 1) instead of --organs.")
  String prompt;

  @Option(names = "--binary",
      description = "Write one 0/1 mask per organ (<out>_<organ>.nii.gz; Med-VLM decides each organ on its own) instead of one label map.")
  boolean binary;

  @Option(names = "--device", defaultValue = "auto", paramLabel = "D", description = "cpu, gpu, a GPU index or auto (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--batch", defaultValue = "8", paramLabel = "N", description = "Slices per forward pass (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--no-postprocess", description = "Skip keeping the largest 3D component per organ (tubes such as the aorta keep all) and filling holes.")
  boolean noPostprocess;

  @Option(names = "--volumes", paramLabel = "FILE", description = "Also write organ volumes in mL (.json or .csv) for a single input.")
  Path volumes;

  @Option(names = "--accept-nonorthonormal", description = "Read NIfTI inputs whose direction matrix is sheared.")
  boolean acceptNonOrthonormal;

  @Option(names = "--overwrite", description = "Replace existing outputs.")
  boolean overwrite;

  @Option(names = "--shard", paramLabel = "I/N",
      description = "Folder input: only the cases at positions I, I+N, ... of the sorted list (task I of N, 0-based, e.g. $SLURM_ARRAY_TASK_ID/N); "
          + "volumes go to volumes.shard-I-of-N.csv, joined by merge-volumes.")
  String shard;

  /** Phases of a single-case run (set when the run starts), printed at its end. */
  private PhaseTimes times;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (batch < 1) throw new BadInputException("--batch", "must be at least 1");
    if (prompt != null && (binary || !organs.trim().equalsIgnoreCase("all"))) {
      throw new BadInputException("--prompt", "give --prompt or --organs/--binary, not both");
    }
    if (prompt != null && prompt.isBlank()) throw new BadInputException("--prompt", "the prompt is empty");
    if (prompt != null && volumes != null) throw new BadInputException("--volumes", "organ volumes are reported for --organs, not for a free-text --prompt");
    model = org.medvlm.infer.StarterModel.resolve(modelSpec == null || modelSpec.isBlank() ? org.medvlm.infer.StarterModel.NAME : modelSpec);
    boolean folder = Files.isDirectory(input) && !DicomSeriesReader.isDicomFolder(input);
    Shards.Shard part = shard == null ? null : Shards.parse(shard);
    if (part != null && !folder) throw new BadInputException("--shard", "splits a folder of cases; " + input + " is a single case");
    if (!folder) {
      RunOutputs.check(out, overwrite, List.of(input, model), ".nii.gz", ".nii");
      if (volumes != null) RunOutputs.check(volumes, overwrite, List.of(input, model), ".csv", ".json");
    } else {
      RunOutputs.refuseFolderInsideInput(out, input);
    }
    VolumeIO.requireReadable(input);
    PrintWriter err = spec.commandLine().getErr();
    ai.djl.Device dev = Devices.parse(device);
    times = new PhaseTimes();
    try (Segmenter seg = Segmenter.open(model, dev)) {
      times.mark("model");
      List<Organ> list = organs.trim().equalsIgnoreCase("all") ? seg.organs() : Organ.parseList(organs);
      String which = modelSpec == null || modelSpec.isBlank() || org.medvlm.infer.StarterModel.isStarter(modelSpec)
          ? org.medvlm.infer.StarterModel.NAME + ", the starter model (docs/models.md; give --model for your own)" : seg.source().toString();
      err.println("model " + which + " (" + seg.organs().size() + " organs); device: " + Devices.describe(List.of(dev)));
      if (prompt != null) seg.promptable(); // fail before reading any input
      if (!folder && binary) {
        for (Organ o : list) RunOutputs.check(binaryTarget(out, o), overwrite, List.of(input, model), ".nii.gz", ".nii");
      }
      if (!folder) {
        Segmenter.Result r = segmentOne(seg, input, out, list);
        if (volumes != null) writeVolumes(volumes, Map.of(CaseId.of(input), r.volumesMl()), list);
        spec.commandLine().getOut().println(binary ? "wrote one mask per organ beside " + out + " (" + binaryTarget(out, list.get(0)).getFileName() + ", ...)" : "wrote " + out);
        err.println(times);
        return Main.OK;
      }
      return segmentFolder(seg, list, part, err);
    }
  }

  private Segmenter.Result segmentOne(Segmenter seg, Path in, Path target, List<Organ> list) throws IOException {
    Volume<FloatType> ct = VolumeIO.readImage(in, new NiftiReader.Options(acceptNonOrthonormal));
    CtCheck.requireHu(ct, in.toString());
    times.mark("read");
    if (prompt != null) {
      Volume<net.imglib2.type.numeric.integer.IntType> mask = seg.segmentPrompt(ct, prompt, batch, !noPostprocess,
          w -> spec.commandLine().getErr().println("warning: " + w));
      NiftiWriter.write(mask, target, NiftiDatatype.UINT8, overwrite);
      return new Segmenter.Result(mask, Map.of());
    }
    if (binary) {
      Map<Organ, Volume<net.imglib2.type.numeric.integer.IntType>> masks = seg.segmentEach(ct, list, batch, !noPostprocess);
      Map<Organ, Double> ml = new LinkedHashMap<>();
      for (var e : masks.entrySet()) {
        NiftiWriter.write(e.getValue(), binaryTarget(target, e.getKey()), NiftiDatatype.UINT8, overwrite);
        ml.put(e.getKey(), Segmenter.volumeMl(e.getValue(), 1));
      }
      return new Segmenter.Result(null, ml);
    }
    Segmenter.Result r = seg.segment(ct, list, batch, !noPostprocess);
    times.mark("segment");
    NiftiWriter.write(r.labels(), target, NiftiDatatype.UINT8, overwrite);
    times.mark("write");
    return r;
  }

  private boolean finished(Path target, List<Organ> list) {
    if (!binary) return Files.exists(target);
    return list.stream().allMatch(o -> Files.exists(binaryTarget(target, o)));
  }

  private Map<Organ, Double> finishedVolumes(Path target, List<Organ> list) throws IOException {
    if (prompt != null) return Map.of();
    if (!binary) return Segmenter.volumesMl(NiftiReader.readLabels(target), list);
    Map<Organ, Double> ml = new LinkedHashMap<>();
    for (Organ o : list) ml.put(o, Segmenter.volumeMl(NiftiReader.readLabels(binaryTarget(target, o)), 1));
    return ml;
  }

  /** {@code seg.nii.gz} and spleen give {@code seg_spleen.nii.gz}. */
  static Path binaryTarget(Path target, Organ organ) {
    String name = target.getFileName().toString();
    String ext = name.endsWith(".nii.gz") ? ".nii.gz" : name.endsWith(".nii") ? ".nii" : "";
    String stem = name.substring(0, name.length() - ext.length());
    return target.resolveSibling(stem + "_" + organ.key() + (ext.isEmpty() ? ".nii.gz" : ext));
  }

  private int segmentFolder(Segmenter seg, List<Organ> list, Shards.Shard part, PrintWriter err) throws IOException {
    Files.createDirectories(out);
    Map<String, Path> cases = CaseFolder.list(input);
    if (part != null) {
      int position = 0;
      for (var it = cases.entrySet().iterator(); it.hasNext(); position++) {
        it.next();
        if (!part.takes(position)) it.remove();
      }
      err.printf(Locale.ROOT, "shard %d of %d: %d case(s)%n", part.index(), part.count(), cases.size());
    }
    // a killed earlier run of these cases (a cancelled or requeued array task) may have left temporaries
    List<String> targets = new ArrayList<>();
    for (String id : cases.keySet()) {
      Path target = out.resolve(id + "_seg.nii.gz");
      targets.add(target.getFileName().toString());
      if (binary) for (Organ o : list) targets.add(binaryTarget(target, o).getFileName().toString());
    }
    AtomicFiles.removeStaleTemporaries(out, targets);
    Map<String, Map<Organ, Double>> all = new LinkedHashMap<>();
    List<String> failed = new ArrayList<>();
    int n = 0;
    for (var e : cases.entrySet()) {
      n++;
      Path target = out.resolve(e.getKey() + "_seg.nii.gz");
      try {
        if (finished(target, list) && !overwrite) {
          err.printf(Locale.ROOT, "[%d/%d] %s: done already, skipped%n", n, cases.size(), e.getKey());
          all.put(e.getKey(), finishedVolumes(target, list));
          continue;
        }
        long t0 = System.nanoTime();
        all.put(e.getKey(), segmentOne(seg, e.getValue(), target, list).volumesMl());
        err.printf(Locale.ROOT, "[%d/%d] %s: %.1f s%n", n, cases.size(), e.getKey(), (System.nanoTime() - t0) / 1e9);
      } catch (BadInputException ex) {
        failed.add(e.getKey());
        err.println("medvlm: error: " + Main.oneLine(ex.getMessage()));
      }
    }
    if (prompt == null) writeVolumes(out.resolve(part == null ? "volumes.csv" : part.csvName()), all, list);
    spec.commandLine().getOut().printf(Locale.ROOT, "segmented %d of %d cases into %s%n", all.size(), cases.size(), out);
    if (!failed.isEmpty()) {
      spec.commandLine().getErr().println("medvlm: error: " + input + ": " + failed.size() + " case(s) failed: " + String.join(", ", failed));
      return Main.BAD_INPUT;
    }
    return Main.OK;
  }

  private void writeVolumes(Path file, Map<String, Map<Organ, Double>> byCase, List<Organ> list) throws IOException {
    String text;
    if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")) {
      Map<String, Map<String, Double>> j = new LinkedHashMap<>();
      byCase.forEach((k, v) -> {
        Map<String, Double> m = new LinkedHashMap<>();
        v.forEach((o, ml) -> m.put(o.key(), ml));
        j.put(k, m);
      });
      text = new com.google.gson.GsonBuilder().setPrettyPrinting().create().toJson(Map.of("volumes_ml", j));
    } else {
      StringBuilder sb = new StringBuilder("case");
      for (Organ o : list) sb.append(',').append(o.key()).append("_ml");
      sb.append('\n');
      byCase.forEach((k, v) -> {
        sb.append(k);
        for (Organ o : list) sb.append(',').append(String.format(Locale.ROOT, "%.3f", v.getOrDefault(o, 0.0)));
        sb.append('\n');
      });
      text = sb.toString();
    }
    AtomicFiles.writeText(file, true, text);
  }
}
