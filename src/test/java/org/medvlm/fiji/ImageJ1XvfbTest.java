package org.medvlm.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medvlm.data.PhantomGenerator;
import org.medvlm.io.NiftiReader;
import org.medvlm.train.TrainingListener;
import org.medvlm.train.TrainingRun;

/**
 * Real ImageJ 1.x (net.imagej:ij) under Xvfb with our jar in its plugins folder: the menu
 * entries from plugins.config exist, the batch macro segments two phantoms into label files and
 * one CSV, a label overlay on a CT slice is saved as a screenshot
 * ({@code target/test-artifacts/imagej1-overlay.png}), a cancelled dialog and a missing file end
 * in one log line each. Needs {@code xvfb-run} (Debian's xvfb): skipped without it, unless
 * {@code MEDVLM_REQUIRE_XVFB=1} (CI) makes that a failure.
 */
class ImageJ1XvfbTest {
  @TempDir Path tmp;
  private static final Path ARTIFACTS = Path.of("target/test-artifacts");

  private static boolean onPath(String program) {
    return Stream.of(System.getenv("PATH").split(File.pathSeparator)).anyMatch(d -> Files.isExecutable(Path.of(d, program)));
  }

  /** Skips the calling test without {@code xvfb-run}, or fails it where CI requires Xvfb. */
  static void requireXvfb() {
    if (!onPath("xvfb-run")) {
      if ("1".equals(System.getenv("MEDVLM_REQUIRE_XVFB"))) fail("xvfb-run is missing (apt-get install xvfb xauth)");
      Assumptions.abort("xvfb-run is not installed; the ImageJ 1.x tests need it (CI installs it)");
    }
  }

  @Test
  void pluginsMacrosAndOverlayInImageJ1() throws Exception {
    requireXvfb();
    // an ImageJ folder whose plugins/ holds our jar, built from the compiled classes (with plugins.config at its root)
    Path ij = Files.createDirectories(tmp.resolve("ImageJ/plugins")).getParent();
    writeJar(Path.of("target/classes"), ij.resolve("plugins/Med_VLM.jar"));
    // two phantom cases and a small U-Net of two organs (it learns in seconds, so the overlay shows organs)
    Path data = tmp.resolve("data");
    PhantomGenerator.writeDataset(data, 3, 9, 64, false, s -> {});
    Path cases = Files.createDirectories(tmp.resolve("cases"));
    List<Path> cts = Files.list(data.resolve("img")).sorted().limit(2).toList();
    for (Path c : cts) Files.copy(c, cases.resolve(c.getFileName()));
    TrainingRun.Options o = new TrainingRun.Options();
    o.model = "unet";
    o.data = data;
    o.valCases = 1;
    o.out = tmp.resolve("model");
    o.epochs = 15;
    o.size = 64;
    o.spacing = 5;
    o.width = 8;
    o.depth = 3;
    o.lr = 3e-3f;
    o.organs = "spleen,liver";
    o.batch = 8;
    o.device = "cpu";
    TrainingRun.run(o, TrainingListener.SILENT, new PrintWriter(new StringWriter()));
    Path seg = tmp.resolve("seg");
    Path sharded = tmp.resolve("sharded");
    Files.createDirectories(ARTIFACTS);
    Path png = ARTIFACTS.resolve("imagej1-overlay.png").toAbsolutePath();
    Path log = ARTIFACTS.resolve("imagej1-log.txt").toAbsolutePath();
    Files.deleteIfExists(png);
    Files.deleteIfExists(log);
    String ct = cts.get(0).toAbsolutePath().toString();
    String macro = String.join("\n", PRINT_MENU_ENTRIES,
        "runMacro(\"" + Path.of("macros/Med-VLM_Batch_Segment.ijm").toAbsolutePath() + "\", \"input=[" + cases + "] output=[" + seg + "] model=[" + o.out
            + "] organ=[All organs] device=CPU\");",
        "for (t = 0; t < 2; t++) runMacro(\"" + Path.of("macros/Med-VLM_Batch_Segment.ijm").toAbsolutePath() + "\", \"input=[" + cases + "] output=[" + sharded
            + "] model=[" + o.out + "] organ=[All organs] device=CPU shard=\" + t + \"/2\");",
        "run(\"Med-VLM Segment\", \"input=[" + ct + "] organ=[All organs] model=[" + o.out + "] device=CPU volumes overlay\");",
        "selectImage(\"" + cts.get(0).getFileName().toString().replace(".nii.gz", "") + "-labels\");",
        "best = 1; most = -1;",
        "for (z = 1; z <= nSlices; z++) { setSlice(z); getRawStatistics(n, mean); if (mean > most) { most = mean; best = z; } }",
        "selectImage(\"" + cts.get(0).getFileName() + "\");",
        "setSlice(best);",
        "run(\"In [+]\"); run(\"In [+]\"); run(\"In [+]\");",
        "wait(1000);",
        "run(\"Capture Image\");", // what the screen shows: the CT slice with the label overlay
        "saveAs(\"PNG\", \"" + png + "\");",
        "print(\"probe: \" + call(\"org.medvlm.fiji.CancelDialogProbe.cancelSegmentDialog\"));",
        "run(\"Med-VLM Segment\", \"input=[" + tmp.resolve("missing.nii.gz") + "] model=[" + o.out + "] device=CPU\");",
        "selectWindow(\"Log\");",
        "saveAs(\"Text\", \"" + log + "\");",
        "close(\"*\");",
        "run(\"Quit\");");
    // our classes only in the plugin jar; ImageJ, DJL and the rest (and the probe) on the class path
    String cp = String.join(File.pathSeparator, Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> !e.endsWith("target/classes") && !e.endsWith("target/classes/")).toList());
    String text = runImageJ(tmp, cp, ij, macro, log, 8);
    assertMenuEntries(text);
    // the batch macro: one label file per case on its grid, one CSV with both cases
    for (Path c : cts) {
      String id = c.getFileName().toString().replace(".nii.gz", "");
      Path labels = seg.resolve(id + "_seg.nii.gz");
      assertTrue(Files.exists(labels), labels + " in\n" + text);
      assertEquals(NiftiReader.readImage(c).geometry(), NiftiReader.readLabels(labels).geometry());
    }
    List<String> rows = Files.readAllLines(seg.resolve("volumes.csv"));
    assertEquals("case,organ_id,organ,volume_ml", rows.get(0), "the table the CLI writes");
    assertEquals(5, rows.size(), "two organs for each of two cases: " + rows);
    assertTrue(text.contains("Med-VLM Batch Segment: 2 of 2 cases segmented"), text);
    // the same as two array tasks: one case each, their tables merged into the same rows
    assertTrue(text.contains("Med-VLM Batch Segment: 1 of 1 cases segmented into " + sharded + " (0 failed)"), text);
    org.medvlm.infer.Shards.Merged merged = org.medvlm.infer.Shards.merge(sharded, sharded.resolve("volumes.csv"), cases);
    assertEquals(2, merged.cases());
    assertEquals(rows, Files.readAllLines(sharded.resolve("volumes.csv")), "sharded and whole runs give the same table");
    // the overlay screenshot shows organ colours over the grey CT
    BufferedImage shot = ImageIO.read(png.toFile());
    long coloured = 0;
    for (int y = 0; y < shot.getHeight(); y++) {
      for (int x = 0; x < shot.getWidth(); x++) {
        int rgb = shot.getRGB(x, y);
        int r = (rgb >> 16) & 255;
        int g = (rgb >> 8) & 255;
        int b = rgb & 255;
        if (Math.abs(r - g) > 30 || Math.abs(g - b) > 30) coloured++;
      }
    }
    assertTrue(coloured > 20, "coloured overlay pixels: " + coloured);
    // bad input: a cancelled dialog and a missing file, one log line each
    assertTrue(text.contains("probe: dialog cancelled, plugin returned") && text.contains("Med-VLM Segment: cancelled"), text);
    assertTrue(text.contains("Med-VLM Segment: error: " + tmp.resolve("missing.nii.gz") + ": no such file or folder"), text);
    assertFalse(text.contains("Exception"), text);
  }

  /** Macro lines that print the class behind each of our four menu labels, for {@link #assertMenuEntries}. */
  static final String PRINT_MENU_ENTRIES = String.join("\n", "List.setCommands;",
      "labels = newArray(\"Med-VLM Segment\", \"Train Med-VLM\", \"2D U-Net Baseline\", \"Med-VLM Evaluate\");",
      "for (i = 0; i < labels.length; i++) print(\"menu \" + labels[i] + \" -> \" + List.get(labels[i]));");

  static void assertMenuEntries(String log) {
    for (String[] e : new String[][] {{"Med-VLM Segment", "SegmentPlugIn"}, {"Train Med-VLM", "TrainPlugIn"}, {"2D U-Net Baseline", "UNetPlugIn"},
        {"Med-VLM Evaluate", "EvaluatePlugIn"}}) {
      assertTrue(log.contains("menu " + e[0] + " -> org.medvlm.fiji.ij1." + e[1]), "menu entry " + e[0] + " in\n" + log);
    }
  }

  /**
   * Runs ImageJ 1.x under Xvfb on the class path {@code cp} with {@code ij} as its folder and the
   * macro, which must save the Log window to {@code log}; returns that log.
   */
  static String runImageJ(Path tmp, String cp, Path ij, String macro, Path log, int minutes) throws Exception {
    Path macroFile = Files.writeString(tmp.resolve("test.ijm"), macro);
    List<String> cmd = new ArrayList<>(List.of("xvfb-run", "-a", "-s", "-screen 0 1280x1024x24", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx3g", "-Dai.djl.offline=true", "-cp", cp, "ij.ImageJ", "-ijpath", ij.toString(), "-macro", macroFile.toString()));
    Path output = tmp.resolve("imagej.out");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      fail("ImageJ did not finish in " + minutes + " minutes; its output:\n" + Files.readString(output));
    }
    assertTrue(Files.exists(log), "ImageJ wrote no log; its output:\n" + Files.readString(output));
    return Files.readString(log) + "\n(ImageJ's output:)\n" + Files.readString(output);
  }

  static void writeJar(Path classes, Path jar) throws Exception {
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
        Files.copy(f, out);
        out.closeEntry();
      }
    }
  }
}
