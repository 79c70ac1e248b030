package org.medvlm.fiji;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medvlm.TestData;
import org.medvlm.data.PhantomGenerator;
import org.medvlm.io.NiftiReader;
import org.medvlm.volume.Volume;

/**
 * What a user sees, under Xvfb in real ImageJ 1.x with our jar in {@code plugins/}: the Segment
 * dialog filled in and run on the repository's real CT (patient A) with the starter model, the
 * label overlay on the CT, the organ volumes table, the U-Net training dialog, ImageJ's window
 * during training and the learning curves, saved in {@code target/test-artifacts/screenshots/}
 * ({@code tools/update_screenshots.sh} copies them into {@code docs/images/}). The macro recorder
 * is on while Segment runs from its dialog; the line it records, replayed as a macro, writes the
 * same labels.
 */
class FijiScreenshotsTest {
  @TempDir Path tmp;
  static final Path SHOTS = Path.of("target/test-artifacts/screenshots");

  @Test
  void dialogsResultsAndTrainingAsTheUserSeesThem() throws Exception {
    ImageJ1XvfbTest.requireXvfb();
    Path ij = Files.createDirectories(tmp.resolve("ImageJ/plugins")).getParent();
    ImageJ1XvfbTest.writeJar(Path.of("target/classes"), ij.resolve("plugins/Med_VLM.jar"));
    Files.createDirectories(SHOTS);
    Path shots = SHOTS.toAbsolutePath();
    Path ct = TestData.ctLong();
    Path seg = tmp.resolve("recorded.nii.gz");
    Path replayed = tmp.resolve("replayed.nii.gz");
    Path data = tmp.resolve("phantoms");
    PhantomGenerator.writeDataset(data, 3, 9, 64, false, s -> {});
    Path log = tmp.resolve("log.txt");
    String macro = String.join("\n",
        "line = call(\"org.medvlm.fiji.ScreenshotProbe.segment\", \"" + shots + "\", \"" + ct + "\", \"" + seg + "\");",
        "print(\"recorded: \" + line);",
        "close(\"*\");",
        "eval(replace(line, \"" + seg + "\", \"" + replayed + "\"));",
        "close(\"*\");",
        "print(\"train: \" + call(\"org.medvlm.fiji.ScreenshotProbe.train\", \"" + shots + "\", \"" + data + "\", \"" + tmp.resolve("run") + "\"));",
        "selectWindow(\"Log\");",
        "saveAs(\"Text\", \"" + log + "\");",
        "run(\"Quit\");");
    String cp = String.join(File.pathSeparator, Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> !e.endsWith("target/classes") && !e.endsWith("target/classes/")).toList());
    String text = ImageJ1XvfbTest.runImageJ(tmp, cp, ij, macro, log, 8);
    Files.writeString(SHOTS.resolve("imagej-log.txt"), text);
    // the recorded line names the command and the keys a macro uses, and replays to the same labels
    assertTrue(text.contains("recorded: run(\"Med-VLM Segment\", \"input=" + ct) && text.contains("organ=[All organs]") && text.contains("overlay"), text);
    assertArrayEquals(Volume.ints(NiftiReader.readLabels(seg)), Volume.ints(NiftiReader.readLabels(replayed)), "replaying the recorded line");
    assertTrue(text.contains("train: trained"), text);
    for (String name : new String[] {"fiji-segment-dialog.png", "fiji-labels-overlay.png", "fiji-volumes-table.png", "fiji-train-dialog.png",
        "fiji-training-progress.png", "fiji-learning-curves.png"}) {
      Path png = SHOTS.resolve(name);
      assertTrue(Files.exists(png), name + "\n" + text);
      assertTrue(Files.size(png) <= 300_000, name + " is " + Files.size(png) + " bytes");
      BufferedImage img = ImageIO.read(png.toFile());
      assertTrue(img.getWidth() > 100 && img.getHeight() > 50, name);
      assertTrue(drawnShare(img) > 0.02, name + " is blank");
    }
  }

  /** The share of pixels that differ from the most common colour (the background). */
  private static double drawnShare(BufferedImage img) {
    java.util.Map<Integer, Integer> count = new java.util.HashMap<>();
    for (int y = 0; y < img.getHeight(); y++) for (int x = 0; x < img.getWidth(); x++) count.merge(img.getRGB(x, y), 1, Integer::sum);
    int background = count.values().stream().max(Integer::compare).orElse(0);
    return 1 - background / (double) (img.getWidth() * img.getHeight());
  }
}
