package org.medvlm.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medvlm.TestData;
import org.medvlm.io.NiftiReader;
import org.medvlm.io.VolumeIO;

/**
 * docs/fiji.md's steps for plain ImageJ 1.x, word for word: copy {@code target/imagej1/Med-VLM/}
 * into {@code ImageJ/plugins/}, and the jar of {@code target/fiji/jars/linux64/} into
 * {@code ImageJ/plugins/Med-VLM/}; start ImageJ with nothing but {@code ij.jar} on the class path.
 * Every one of our jars (DJL, PyTorch natives, tokenizers) is then loaded by ImageJ's plugin class
 * loader, not the JVM's, as in a user's ImageJ: the four menu entries are there (the plugin jar's
 * name has an underscore), and "Med-VLM Segment" with the model left empty segments patient B's
 * DICOM series with the starter model onto exactly its grid, and File > Import > NIfTI (Med-VLM)
 * opens a NIfTI file, calibrated. Maven lays out both folders before the
 * tests but adds our own jar only at package, so the test writes it from the compiled classes under
 * the distribution's name. Needs {@code xvfb-run}, as {@link ImageJ1XvfbTest}.
 */
class ImageJ1PluginsFolderTest {
  @TempDir Path tmp;

  @Test
  void imageJ1WithEveryJarInPluginsSegmentsACt() throws Exception {
    ImageJ1XvfbTest.requireXvfb();
    Path dist = Path.of("target/imagej1/Med-VLM");
    assertTrue(Files.isDirectory(dist), dist + " is laid out by Maven (process-classes) before the tests: run them with mvn");
    String pluginJar = System.getProperty("medvlm.plugin.jar", "Med_VLM-0.1.0-SNAPSHOT.jar");
    assertTrue(pluginJar.contains("_"), "ImageJ 1.x installs only plugin jars with an underscore: " + pluginJar);
    // the steps of docs/fiji.md
    Path ij = Files.createDirectories(tmp.resolve("ImageJ"));
    Path plugins = Files.createDirectories(ij.resolve("plugins/Med-VLM"));
    try (Stream<Path> s = Files.list(dist)) {
      for (Path j : s.filter(p -> !p.getFileName().toString().equals(pluginJar)).toList()) Files.copy(j, plugins.resolve(j.getFileName()));
    }
    ImageJ1XvfbTest.writeJar(Path.of("target/classes"), plugins.resolve(pluginJar));
    try (Stream<Path> s = Files.list(FijiDistributionTest.JARS.resolve("linux64"))) {
      for (Path j : s.toList()) Files.copy(j, plugins.resolve(j.getFileName()));
    }
    Path ijJar = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of)
        .filter(p -> p.getFileName().toString().matches("ij-1\\..*\\.jar")).findFirst().orElseThrow();
    Path dicom = TestData.realCt().resolve("dicom_case");
    Path seg = tmp.resolve("seg.nii.gz");
    Path log = tmp.resolve("log.txt");
    String macro = String.join("\n", ImageJ1XvfbTest.PRINT_MENU_ENTRIES,
        "run(\"Med-VLM Segment\", \"input=[" + dicom + "] organ=[All organs] model=[] device=CPU output=[" + seg + "]\");",
        "print(\"segment returned\");",
        "run(\"NIfTI (Med-VLM)...\", \"open=[" + TestData.ctSmall() + "]\");",
        "getVoxelSize(vw, vh, vd, unit);",
        "print(\"imported \" + getTitle() + \" \" + getWidth() + \"x\" + getHeight() + \"x\" + nSlices + \" \" + vd + \" \" + unit);",
        "selectWindow(\"Log\");",
        "saveAs(\"Text\", \"" + log + "\");",
        "run(\"Quit\");");
    String text = ImageJ1XvfbTest.runImageJ(tmp, ijJar.toString(), ij, macro, log, 6);
    ImageJ1XvfbTest.assertMenuEntries(text);
    assertFalse(text.contains("error"), text);
    assertTrue(text.contains("imported example_ct_sm.nii.gz 122x101x30 3 mm"), "File > Import > NIfTI in plain ImageJ 1.x:\n" + text);
    assertTrue(Files.exists(seg), "no labels written; log:\n" + text);
    assertEquals(VolumeIO.readImage(dicom).geometry(), NiftiReader.readLabels(seg).geometry());
  }
}
