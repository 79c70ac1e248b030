package org.medvlm.cli;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.medvlm.BadInputException;
import org.medvlm.data.Dataset;
import org.medvlm.data.PhantomGenerator;
import org.medvlm.io.AtomicFiles;
import org.medvlm.io.NiftiWriter;
import org.medvlm.io.VolumeIO;

/**
 * The demo's data: phantoms, and the repository's two real patients (TotalSegmentator's test data,
 * {@code src/test/resources/real-ct}) laid out as a BTCV-layout folder with their label map. Patient
 * A (112 slices, 3 mm) trains; patient B (a JPEG 2000 DICOM series from another scanner, converted
 * to NIfTI here) is the held-out validation patient, so the report's figures and overlays are on
 * real anatomy that no model saw in training.
 */
final class DemoData {
  /** The held-out real patient. */
  static final String VALIDATION_CASE = "B";
  /** The repository folder of the real CT, relative to the repository root. */
  static final Path REPOSITORY_COPY = Path.of("src", "test", "resources", "real-ct");

  private DemoData() {}

  /**
   * Both folders as training sources (the real patients with their map first, so that patient A is
   * among the training volumes the report scores, then the phantoms with BTCV ids) and the split
   * file naming patient B.
   */
  record Prepared(List<Dataset.Source> sources, Path split) {}

  static Prepared prepare(Path out, Path realCt, int phantoms, Consumer<String> log) throws IOException {
    Path ph = out.resolve("phantoms");
    if (!Files.isDirectory(ph.resolve("label"))) {
      log.accept("demo: generating " + phantoms + " phantom CT volumes in " + ph);
      PhantomGenerator.writeDataset(ph, phantoms, 7, 128, true, log);
    }
    Path real = out.resolve("real-ct");
    Path map = real.resolve("labelmap.tsv");
    if (!Files.exists(map)) layOutReal(realCt, real, log);
    Path split = real.resolve("val_" + VALIDATION_CASE + ".txt");
    AtomicFiles.writeText(split, true, VALIDATION_CASE + "\n");
    return new Prepared(List.of(new Dataset.Source(real, map), new Dataset.Source(ph, null)), split);
  }

  /** Copies patient A, converts patient B's DICOM series, copies both label files and the map; the map is written last, so its presence means the folder is complete. */
  private static void layOutReal(Path src, Path real, Consumer<String> log) throws IOException {
    for (String f : List.of("example_ct.nii.gz", "example_ct_seg_fast.nii.gz", "dicom_case", "dicom_case_seg.nii.gz", "totalsegmentator-to-btcv.tsv")) {
      if (!Files.exists(src.resolve(f))) throw new BadInputException(src.resolve(f), "missing from the real CT folder (the repository's " + REPOSITORY_COPY + ")");
    }
    log.accept("demo: laying out the real patients A and B in " + real);
    Files.createDirectories(real.resolve("img"));
    Files.createDirectories(real.resolve("label"));
    copy(src.resolve("example_ct.nii.gz"), real.resolve("img/img_A.nii.gz"));
    copy(src.resolve("example_ct_seg_fast.nii.gz"), real.resolve("label/label_A.nii.gz"));
    NiftiWriter.write(VolumeIO.readImage(src.resolve("dicom_case")), real.resolve("img/img_B.nii.gz"), true);
    copy(src.resolve("dicom_case_seg.nii.gz"), real.resolve("label/label_B.nii.gz"));
    copy(src.resolve("NOTICE"), real.resolve("NOTICE"));
    copy(src.resolve("totalsegmentator-to-btcv.tsv"), real.resolve("labelmap.tsv"));
  }

  private static void copy(Path from, Path to) throws IOException {
    if (!Files.exists(from)) return; // only the NOTICE is optional; the others were checked
    AtomicFiles.write(to, true, out -> Files.copy(from, out));
  }

  /**
   * The repository's real CT: {@code src/test/resources/real-ct} under the repository the jar was
   * built in ({@code target/medvlm.jar}), else under the working folder; null where neither has it.
   */
  static Path locateRepositoryCopy() {
    try {
      Path jar = Path.of(DemoData.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path root = jar.getParent() == null ? null : jar.getParent().getParent();
      if (root != null && Files.isDirectory(root.resolve(REPOSITORY_COPY))) return root.resolve(REPOSITORY_COPY);
    } catch (URISyntaxException | SecurityException | IllegalArgumentException | NullPointerException e) {
      // not from a file: fall through to the working folder
    }
    Path here = REPOSITORY_COPY.toAbsolutePath();
    return Files.isDirectory(here) ? here : null;
  }
}
