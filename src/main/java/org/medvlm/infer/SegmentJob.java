package org.medvlm.infer;

import ai.djl.engine.EngineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.imglib2.type.numeric.integer.IntType;
import net.imglib2.type.numeric.real.FloatType;
import org.medvlm.BadInputException;
import org.medvlm.data.Organ;
import org.medvlm.device.Devices;
import org.medvlm.io.AtomicFiles;
import org.medvlm.io.CaseId;
import org.medvlm.io.DicomSeriesReader;
import org.medvlm.io.NiftiDatatype;
import org.medvlm.io.NiftiReader;
import org.medvlm.io.NiftiWriter;
import org.medvlm.io.RunOutputs;
import org.medvlm.io.VolumeIO;
import org.medvlm.volume.Volume;

/**
 * The one segmentation job behind the CLI, the Fiji commands and the batch macro: a single CT
 * (file, DICOM folder, or in memory) or a folder of cases, with shards of a job array, finished
 * cases skipped, stale temporaries of a killed run removed, one failed case not stopping the
 * rest, and the organ volumes in one table ({@link VolumesTable}). Every output is written whole
 * or not at all. Progress goes to a {@link JobListener} per batch of slices; a {@link CancelToken}
 * stops the job before the next batch; when memory runs out the batch is halved and the case run again.
 */
public final class SegmentJob {
  private SegmentJob() {}

  /**
   * What a run did: cases in the (sharded) folder, segmented or found done, the ids that failed,
   * the volumes table written (or null), and the organs segmented.
   */
  public record Outcome(int cases, int done, List<String> failed, Path volumesTable, List<Organ> organs) {}

  /** A case's labels: one label map (or the prompt's mask), or one 0/1 mask per organ; and the organs' volumes in mL. */
  public record Labels(Volume<IntType> labels, Map<Organ, Volume<IntType>> masks, Map<Organ, Double> volumesMl) {}

  /** Whether {@code input} is a folder of cases rather than one CT. */
  public static boolean isFolder(Path input) throws IOException {
    return Files.isDirectory(input) && !DicomSeriesReader.isDicomFolder(input);
  }

  /** Runs {@code r} from files to files. */
  public static Outcome run(SegmentRequest r, JobListener listener, CancelToken cancel) throws IOException {
    r.check();
    if (r.input() == null) throw new BadInputException("{input}", "no input file or folder given");
    if (r.output() == null) throw new BadInputException("{output}", "no output given");
    boolean folder = isFolder(r.input());
    if (r.shard() != null && !folder) throw new BadInputException("{shard}", "splits a folder of cases; " + r.input() + " is a single case");
    if (!folder) {
      RunOutputs.check(r.output(), r.overwrite(), List.of(r.input(), r.model()), ".nii.gz", ".nii");
      if (r.volumes() != null) RunOutputs.check(r.volumes(), r.overwrite(), List.of(r.input(), r.model()), ".csv", ".json");
    } else {
      RunOutputs.refuseFolderInsideInput(r.output(), r.input());
    }
    VolumeIO.requireReadable(r.input());
    try (Segmenter seg = Segmenter.open(r.model(), Devices.parse(r.device()))) {
      listener.modelOpened(seg);
      if (r.prompt() != null) seg.promptable(); // fail before reading any input
      List<Organ> organs = r.organsOf(seg);
      if (folder) return runFolder(seg, r, organs, listener, cancel);
      if (r.binary()) for (Organ o : organs) RunOutputs.check(binaryTarget(r.output(), o), r.overwrite(), List.of(r.input(), r.model()), ".nii.gz", ".nii");
      Labels l = segmentFile(seg, r, r.input(), r.output(), listener, cancel);
      if (r.volumes() != null) VolumesTable.write(r.volumes(), Map.of(CaseId.of(r.input()), l.volumesMl()), r.overwrite());
      return new Outcome(1, 1, List.of(), r.volumes(), organs);
    }
  }

  /**
   * Segments a CT held in memory with an open model: the organs of {@code r} (or its prompt, or
   * one mask per organ), post-processed as asked, on exactly the CT's grid.
   */
  public static Labels segment(Segmenter seg, Volume<FloatType> ct, SegmentRequest r, JobListener listener, CancelToken cancel) throws BadInputException {
    r.check();
    List<Organ> organs = r.organsOf(seg);
    SliceProgress progress = (done, total) -> {
      listener.slicesDone(done, total);
      cancel.check();
    };
    cancel.check();
    return halvingBatchOnOutOfMemory(r.batch(), listener, batch -> {
      if (r.prompt() != null) {
        Volume<IntType> mask = seg.segmentPrompt(ct, r.prompt(), batch, r.postprocess(), listener::warning, progress);
        return new Labels(mask, Map.of(), Map.of());
      }
      if (r.binary()) {
        Map<Organ, Volume<IntType>> masks = seg.segmentEach(ct, organs, batch, r.postprocess(), progress);
        Map<Organ, Double> ml = new LinkedHashMap<>();
        masks.forEach((o, m) -> ml.put(o, Segmenter.volumeMl(m, 1)));
        return new Labels(null, masks, ml);
      }
      Segmenter.Result res = seg.segment(ct, organs, batch, r.postprocess(), progress);
      return new Labels(res.labels(), Map.of(), res.volumesMl());
    });
  }

  /** One try of a prediction with a given batch size. */
  @FunctionalInterface
  public interface Attempt<T> {
    T run(int batch) throws BadInputException;
  }

  /**
   * {@code attempt} with {@code batch}, and again with half the batch each time memory runs out
   * (the Java heap, or the engine's native or GPU memory), saying so in one line; at batch 1 a
   * clear error instead.
   */
  public static <T> T halvingBatchOnOutOfMemory(int batch, JobListener listener, Attempt<T> attempt) throws BadInputException {
    for (int b = batch;; b /= 2) {
      try {
        return attempt.run(b);
      } catch (OutOfMemoryError | EngineException e) {
        if (e instanceof EngineException && !isOutOfMemory(e)) throw e;
        if (b == 1) {
          throw new BadInputException("{batch}", "out of memory even with one slice per batch; give Java more memory (MEDVLM_JAVA_OPTS=-Xmx16g) or use a smaller model or another device", e);
        }
        listener.warning("out of memory with " + b + " slices per batch; trying again with " + b / 2);
      }
    }
  }

  private static boolean isOutOfMemory(Throwable e) {
    String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    return m.contains("out of memory") || m.contains("not enough memory") || m.contains("can't allocate memory");
  }

  /** Reads one case, segments it and writes its outputs (each whole or not at all). */
  private static Labels segmentFile(Segmenter seg, SegmentRequest r, Path in, Path target, JobListener listener, CancelToken cancel) throws IOException {
    Volume<FloatType> ct = VolumeIO.readImage(in, new NiftiReader.Options(r.acceptNonOrthonormal()));
    CtCheck.requireHu(ct, in.toString());
    listener.phase("read");
    Labels l = segment(seg, ct, r, listener, cancel);
    listener.phase("segment");
    if (l.labels() != null) NiftiWriter.write(l.labels(), target, NiftiDatatype.UINT8, r.overwrite());
    for (var e : l.masks().entrySet()) NiftiWriter.write(e.getValue(), binaryTarget(target, e.getKey()), NiftiDatatype.UINT8, r.overwrite());
    listener.phase("write");
    return l;
  }

  /** {@code seg.nii.gz} and spleen give {@code seg_spleen.nii.gz}. */
  public static Path binaryTarget(Path target, Organ organ) {
    String name = target.getFileName().toString();
    String ext = name.endsWith(".nii.gz") ? ".nii.gz" : name.endsWith(".nii") ? ".nii" : "";
    String stem = name.substring(0, name.length() - ext.length());
    return target.resolveSibling(stem + "_" + organ.key() + (ext.isEmpty() ? ".nii.gz" : ext));
  }

  private static Outcome runFolder(Segmenter seg, SegmentRequest r, List<Organ> organs, JobListener listener, CancelToken cancel) throws IOException {
    Path out = r.output();
    Files.createDirectories(out);
    Map<String, Path> cases = CaseFolder.list(r.input(), r.names());
    if (r.shard() != null) {
      int position = 0;
      for (var it = cases.entrySet().iterator(); it.hasNext(); position++) {
        it.next();
        if (!r.shard().takes(position)) it.remove();
      }
      listener.message(String.format(Locale.ROOT, "shard %d of %d: %d case(s)", r.shard().index(), r.shard().count(), cases.size()));
    }
    // a killed earlier run of these cases (a cancelled or requeued array task) may have left temporaries
    List<String> targets = new ArrayList<>();
    for (String id : cases.keySet()) {
      Path target = out.resolve(id + "_seg.nii.gz");
      targets.add(target.getFileName().toString());
      if (r.binary()) for (Organ o : organs) targets.add(binaryTarget(target, o).getFileName().toString());
    }
    AtomicFiles.removeStaleTemporaries(out, targets);
    Map<String, Map<Organ, Double>> volumes = new LinkedHashMap<>();
    List<String> failed = new ArrayList<>();
    int n = 0;
    for (var e : cases.entrySet()) {
      n++;
      cancel.check();
      Path target = out.resolve(e.getKey() + "_seg.nii.gz");
      try {
        if (finished(target, r.binary(), organs) && !r.overwrite()) {
          listener.message(String.format(Locale.ROOT, "[%d/%d] %s: done already, skipped", n, cases.size(), e.getKey()));
          volumes.put(e.getKey(), r.prompt() != null ? Map.of() : finishedVolumes(target, r.binary(), organs));
          continue;
        }
        listener.caseStarted(n, cases.size(), e.getKey());
        long t0 = System.nanoTime();
        volumes.put(e.getKey(), segmentFile(seg, r, e.getValue(), target, listener, cancel).volumesMl());
        listener.caseFinished(n, cases.size(), e.getKey(), (System.nanoTime() - t0) / 1e9);
      } catch (BadInputException ex) {
        failed.add(e.getKey());
        listener.caseFailed(n, cases.size(), e.getKey(), ex.getMessage());
      }
    }
    Path table = null;
    if (r.prompt() == null) {
      table = out.resolve(r.shard() == null ? "volumes.csv" : r.shard().csvName());
      VolumesTable.write(table, volumes, true);
    }
    return new Outcome(cases.size(), volumes.size(), failed, table, organs);
  }

  private static boolean finished(Path target, boolean binary, List<Organ> organs) {
    if (!binary) return Files.exists(target);
    return organs.stream().allMatch(o -> Files.exists(binaryTarget(target, o)));
  }

  private static Map<Organ, Double> finishedVolumes(Path target, boolean binary, List<Organ> organs) throws IOException {
    if (!binary) return Segmenter.volumesMl(NiftiReader.readLabels(target), organs);
    Map<Organ, Double> ml = new LinkedHashMap<>();
    for (Organ o : organs) ml.put(o, Segmenter.volumeMl(NiftiReader.readLabels(binaryTarget(target, o)), 1));
    return ml;
  }
}
