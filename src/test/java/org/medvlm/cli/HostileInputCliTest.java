package org.medvlm.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import net.imglib2.type.numeric.real.FloatType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medvlm.TestData;
import org.medvlm.io.NiftiReader;
import org.medvlm.io.NiftiWriter;
import org.medvlm.checkpoint.Checkpoint;
import org.medvlm.volume.Geometry;
import org.medvlm.volume.Volume;

/**
 * The findings of the hostile-input review: no output replaces an input, corrupt data and
 * edited checkpoints are refused in one line naming the file (exit 2), and answers come early
 * and say what is really wrong. Each test fails on the code before the fix.
 */
class HostileInputCliTest {
  @TempDir static Path shared;
  @TempDir Path tmp;
  static Path data;
  static Path run;
  /** A Java class name in a message: users must never read one. */
  private static final Pattern JAVA_NAME = Pattern.compile("\\w+(Exception|Error)\\b|java\\.|com\\.google");

  @BeforeAll
  static void trainTinyModel() throws Exception {
    data = shared.resolve("data");
    run = shared.resolve("run");
    TrainSegmentCliTest.trainTinyUNet(data, run, 1);
  }

  private static void assertRefused(CliTest.Result r, String expected) {
    CliTest.assertError(r, 2, expected);
    assertFalse(JAVA_NAME.matcher(r.err()).find(), "no Java class names: " + r.err());
  }

  private Path copyOfTheRealCt() throws Exception {
    return Files.copy(TestData.ctSmall(), tmp.resolve("ct.nii.gz"));
  }

  @Test
  void segmentNeverWritesOverItsInputOrItsModel() throws Exception {
    Path ct = copyOfTheRealCt();
    byte[] before = Files.readAllBytes(ct);
    Path alias = Files.createSymbolicLink(tmp.resolve("alias.nii.gz"), ct);
    for (Path out : new Path[] {ct, alias, tmp.resolve("sub/../ct.nii.gz")}) {
      Files.createDirectories(tmp.resolve("sub"));
      assertRefused(CliTest.run("segment", "--model", run.toString(), "--input", ct.toString(), "--out", out.toString(), "--overwrite", "--device", "cpu"),
          "which this run reads");
    }
    Path best = run.resolve("best.ckpt");
    byte[] model = Files.readAllBytes(best);
    assertRefused(CliTest.run("segment", "--model", run.toString(), "--input", ct.toString(), "--out", tmp.resolve("seg.nii.gz").toString(),
        "--volumes", best.toString(), "--overwrite", "--device", "cpu"), "output name must end with .csv or .json");
    assertRefused(CliTest.run("segment", "--model", run.toString(), "--input", ct.toString(), "--out", tmp.resolve("seg.nii.gz").toString(),
        "--volumes", ct.toString(), "--overwrite", "--device", "cpu"), "output name must end with .csv or .json");
    assertArrayEquals(before, Files.readAllBytes(ct), "the CT is untouched");
    assertArrayEquals(model, Files.readAllBytes(best), "the model is untouched");
    assertFalse(Files.exists(tmp.resolve("seg.nii.gz")), "nothing written");
  }

  @Test
  void aFolderRunNeverWritesIntoItsInputFolder() throws Exception {
    Path cases = Files.createDirectories(tmp.resolve("cases"));
    Files.copy(TestData.ctSmall(), cases.resolve("a.nii.gz"));
    assertRefused(CliTest.run("segment", "--model", run.toString(), "--input", cases.toString(), "--out", cases.toString(), "--device", "cpu"),
        "lies inside the input folder");
    assertRefused(CliTest.run("segment", "--model", run.toString(), "--input", cases.toString(), "--out", cases.resolve("seg").toString(), "--device", "cpu"),
        "lies inside the input folder");
  }

  @Test
  void nothingIsWrittenIntoADicomSeriesFolder() throws Exception {
    Path series = Files.createDirectories(tmp.resolve("series"));
    for (Path f : Files.list(Path.of("src/test/resources/dicom/explicit_signed")).toList()) Files.copy(f, series.resolve(f.getFileName()));
    assertRefused(CliTest.run("convert", series.toString(), series.resolve("ct.nii.gz").toString()), "lies inside the input folder");
    assertEquals(0, CliTest.run("info", series.toString()).code(), "the series still reads");
  }

  @Test
  void evaluateConvertAndEmbedNeverWriteOverTheirInputs() throws Exception {
    Path pred = Files.copy(TestData.seg(), tmp.resolve("pred.nii.gz"));
    byte[] before = Files.readAllBytes(pred);
    assertRefused(CliTest.run("evaluate", "--pred", pred.toString(), "--truth", TestData.seg().toString(), "--json", pred.toString(), "--overwrite"),
        "output name must end with .json");
    assertRefused(CliTest.run("evaluate", "--pred", pred.toString(), "--truth", TestData.seg().toString(), "--csv", pred.toString(), "--overwrite"),
        "output name must end with .csv");
    Path map = Files.copy(TestData.totalSegMap(), tmp.resolve("map.csv"));
    assertRefused(CliTest.run("evaluate", "--pred", pred.toString(), "--truth", TestData.seg().toString(), "--label-map", map.toString(), "--csv", map.toString(),
        "--overwrite"), "which this run reads");
    assertRefused(CliTest.run("convert", pred.toString(), pred.toString(), "--label", "--overwrite"), "which this run reads");
    assertArrayEquals(before, Files.readAllBytes(pred));
    Path tensor = Files.copy(Path.of("src/test/resources/encoders/vit/input.npy"), tmp.resolve("t.npy"));
    byte[] t = Files.readAllBytes(tensor);
    assertRefused(CliTest.run("embed", "--image-weights", "src/test/resources/encoders/vit", "--tensor", tensor.toString(), "--out", tensor.toString(),
        "--overwrite", "--device", "cpu"), "which this run reads");
    assertArrayEquals(t, Files.readAllBytes(tensor));
  }

  @Test
  void aWrongOutputNameIsRefusedBeforeAnyWork() throws Exception {
    CliTest.Result r = CliTest.run("segment", "--model", run.toString(), "--input", TestData.ctSmall().toString(), "--out", tmp.resolve("a.txt").toString(),
        "--device", "cpu");
    assertRefused(r, "a.txt: output name must end with .nii.gz or .nii");
    assertFalse(r.err().contains("model "), "refused before the model was even loaded: " + r.err());
  }

  @Test
  void nanVoxelsAreRefusedWithTheirCount() throws Exception {
    Volume<FloatType> ct = NiftiReader.readImage(TestData.ctSmall());
    float[] v = Volume.floats(ct);
    int[] d = ct.dims();
    long nan = 0;
    for (int i = 0; i < v.length; i++) {
      if ((i % d[0]) % 3 == 0) {
        v[i] = Float.NaN;
        nan++;
      }
    }
    Path file = tmp.resolve("nan.nii.gz");
    NiftiWriter.write(ct, file, org.medvlm.io.NiftiDatatype.FLOAT32, false);
    Path out = tmp.resolve("seg.nii.gz");
    assertRefused(CliTest.run("segment", "--model", run.toString(), "--input", file.toString(), "--out", out.toString(), "--device", "cpu"),
        nan + " of " + v.length + " voxels");
    assertFalse(Files.exists(out));
    CliTest.Result info = CliTest.run("info", file.toString());
    assertEquals(0, info.code(), info.err());
    assertTrue(info.out().contains("non_finite:  " + nan + " voxels"), info.out());
  }

  @Test
  void editedCheckpointMetadataIsRefusedNamingTheFileAndField() throws Exception {
    Checkpoint c = Checkpoint.read(run.resolve("best.ckpt"));
    assertEditRefused(c, m -> m.remove("organs"), "lacks the field 'organs'");
    assertEditRefused(c, m -> {
      JsonArray a = new JsonArray();
      a.add(99);
      m.add("organs", a);
    }, "not a distinct BTCV organ id");
    assertEditRefused(c, m -> m.remove("model"), "lacks the field 'model'");
    assertEditRefused(c, m -> m.getAsJsonObject("model").addProperty("width", 8), "metadata and weights disagree");
    assertEditRefused(c, m -> m.getAsJsonObject("model").addProperty("depth", "deep"), "damaged or of another version");
    assertEditRefused(c, m -> m.getAsJsonObject("preprocess").addProperty("size", -3), "damaged or of another version");
    assertEditRefused(c, m -> m.addProperty("model_type", "gan"), "model type 'gan' cannot be run");
    assertEditRefused(c, m -> m.add("epoch", new JsonArray()), "field 'epoch' is not a number");
  }

  private void assertEditRefused(Checkpoint c, Consumer<JsonObject> edit, String expected) throws Exception {
    JsonObject meta = JsonParser.parseString(c.meta().toString()).getAsJsonObject();
    edit.accept(meta);
    Path file = tmp.resolve("edited.ckpt");
    try (OutputStream o = Files.newOutputStream(file)) {
      new Checkpoint(meta, c.weights(), c.optimizer()).writeTo(o); // re-hashed: the checksum is right
    }
    Path out = tmp.resolve("edited_seg.nii.gz");
    assertRefused(CliTest.run("segment", "--model", file.toString(), "--input", TestData.ctSmall().toString(), "--out", out.toString(), "--device", "cpu"),
        expected);
    CliTest.Result r = CliTest.run("segment", "--model", file.toString(), "--input", TestData.ctSmall().toString(), "--out", out.toString(), "--device", "cpu");
    assertTrue(r.err().contains(file.toString()), "names the checkpoint: " + r.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void anUnwritableOutputFolderIsOneLineNamingIt() throws Exception {
    Path file = Files.writeString(tmp.resolve("plain-file"), "x");
    Path under = file.resolve("run");
    assertRefused(CliTest.run("train", "--model", "unet", "--data", data.toString(), "--val-cases", "1", "--out", under.toString(), "--epochs", "1",
        "--size", "32", "--spacing", "6", "--width", "4", "--depth", "2", "--device", "cpu"), "plain-file");
    assertRefused(CliTest.run("phantom", "--out", under.toString(), "--cases", "1", "--seed", "1", "--size", "32"), "plain-file");
  }

  @Test
  void pipesAndLinkLoopsAreNamedForWhatTheyAre() throws Exception {
    Path fifo = tmp.resolve("pipe.nii.gz");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertRefused(CliTest.run("info", fifo.toString()), "not a regular file"));
    assertTimeoutPreemptively(Duration.ofSeconds(20),
        () -> assertRefused(CliTest.run("convert", fifo.toString(), tmp.resolve("o.nii.gz").toString()), "not a regular file"));
    Path a = tmp.resolve("a.nii.gz"), b = tmp.resolve("b.nii.gz");
    Files.createSymbolicLink(a, b);
    Files.createSymbolicLink(b, a);
    assertRefused(CliTest.run("info", a.toString()), "loop of symbolic links");
    Path dangling = Files.createSymbolicLink(tmp.resolve("d.nii.gz"), tmp.resolve("gone.nii.gz"));
    assertRefused(CliTest.run("info", dangling.toString()), "symbolic link to a file or folder that does not exist");
  }

  /** The first line of embed's error stream is ours, not a PyTorch C++ deprecation warning (a separate JVM: it is printed once per process). */
  @Test
  void embedPrintsNoNativeWarning() throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Dai.djl.offline=true", "-cp",
        System.getProperty("java.class.path"), "org.medvlm.cli.Main", "embed", "--text-weights", "src/test/resources/encoders/minilm", "--text",
        "the liver", "--out", tmp.resolve("e.npy").toString(), "--device", "cpu").redirectErrorStream(true).start();
    String all = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), all);
    assertFalse(all.contains("Warning"), all);
    assertTrue(all.lines().findFirst().orElse("").contains("loaded"), all);
  }

  @Test
  void errorsNameTheOptionTheUserGave() throws Exception {
    assertRefused(CliTest.run("embed", "--text-weights", "src/test/resources/encoders/minilm", "--text", "", "--out", tmp.resolve("e.npy").toString()),
        "--text: the text is empty");
    CliTest.Result r = CliTest.run("train", "--model", "unet", "--data", data.toString(), "--val-cases", "3", "--out", tmp.resolve("r").toString(),
        "--epochs", "1", "--size", "32", "--device", "cpu");
    assertRefused(r, "--val-cases: 3 validation case(s) leave no training case of the 3");
  }

  @Test
  void promptTrainingOptionsAreCheckedBeforeTraining() throws Exception {
    Path out = tmp.resolve("vlm");
    assertRefused(CliTest.run("train", "--model", "medvlm-tiny", "--data", data.toString(), "--val-cases", "1", "--out", out.toString(),
        "--epochs", "1", "--size", "32", "--device", "cpu", "--prompt-loss-weight", "-1"), "--prompt-loss-weight: must be a finite number of at least 0");
    assertRefused(CliTest.run("train", "--model", "medvlm-tiny", "--data", data.toString(), "--val-cases", "1", "--out", out.toString(),
        "--epochs", "1", "--size", "32", "--device", "cpu", "--freeze-text-encoder"), "--freeze-text-encoder: needs a pretrained text encoder");
    assertFalse(Files.exists(out.resolve("latest.ckpt")), "nothing trained");
  }

  @Test
  void evaluateSaysHowTheGridsDiffer() throws Exception {
    Path flipped = tmp.resolve("flipped.nii.gz");
    assertEquals(0, CliTest.run("convert", TestData.seg().toString(), flipped.toString(), "--label", "--orient", "LPS").code());
    // the same voxels stored in another axis order are reordered exactly onto the reference, not refused
    CliTest.Result same = CliTest.run("evaluate", "--pred", flipped.toString(), "--truth", TestData.seg().toString(), "--label-map", TestData.totalSegMap().toString());
    assertEquals(0, same.code(), same.err());
    assertTrue(same.out().lines().filter(l -> l.contains("present")).allMatch(l -> l.contains(" 1.000  1.000 ")), same.out());
    var labels = NiftiReader.readLabels(TestData.seg());
    double[][] a = labels.geometry().affine();
    a[2][3] += 6; // two slices up
    Path shifted = tmp.resolve("shifted.nii.gz");
    NiftiWriter.write(Volume.ofLabels(Volume.ints(labels), labels.dims(), Geometry.fromAffine(a)), shifted, false);
    assertRefused(CliTest.run("evaluate", "--pred", shifted.toString(), "--truth", TestData.seg().toString(), "--label-map", TestData.totalSegMap().toString()),
        "origin shifted by 0.000, 0.000, -6.000 mm");
  }

  @Test
  void shearedGridsNeedTheFlagEverywhereItIsSuggestedAndKeepTheirSform() throws Exception {
    Volume<FloatType> ct = NiftiReader.readImage(TestData.ctSmall());
    double[][] a = ct.geometry().affine();
    a[0][1] = 0.9; // shear x along j
    Path sheared = tmp.resolve("sheared.nii");
    NiftiWriter.write(Volume.ofFloats(Volume.floats(ct), ct.dims(), Geometry.fromAffine(a)), sheared, false);
    ByteBuffer h = ByteBuffer.wrap(Files.readAllBytes(sheared)).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(0, h.getShort(252), "qform_code 0: a rotation cannot state a sheared grid");
    assertEquals(1, h.getShort(254), "sform_code 1");
    CliTest.Result strict = CliTest.run("info", sheared.toString());
    assertRefused(strict, "--accept-nonorthonormal (info, convert, segment)");
    assertEquals(0, CliTest.run("info", "--accept-nonorthonormal", sheared.toString()).code());
    CliTest.Result seg = CliTest.run("segment", "--model", run.toString(), "--input", sheared.toString(), "--out", tmp.resolve("s.nii.gz").toString(),
        "--accept-nonorthonormal", "--device", "cpu");
    assertFalse(seg.err().contains("Unknown option"), seg.err());
    double[][] singular = ct.geometry().affine();
    for (int r = 0; r < 3; r++) singular[r][1] = singular[r][0]; // two parallel axes
    Path flat = tmp.resolve("singular.nii");
    NiftiWriter.write(Volume.ofFloats(Volume.floats(ct), ct.dims(), Geometry.fromAffine(singular)), flat, false);
    assertRefused(CliTest.run("convert", flat.toString(), tmp.resolve("c.nii.gz").toString(), "--accept-nonorthonormal"), "direction matrix is singular");
  }

  @Test
  void theFinalLineNamesOnlyFilesThatExist() throws Exception {
    CliTest.Result r = CliTest.run("train", "--model", "unet", "--data", data.toString(), "--val-cases", "1", "--out", tmp.resolve("r2").toString(),
        "--epochs", "1", "--size", "32", "--spacing", "6", "--width", "4", "--depth", "2", "--device", "cpu");
    assertEquals(0, r.code(), r.err());
    String last = r.out().strip();
    String named = last.substring(last.lastIndexOf(' ') + 1);
    assertTrue(Files.exists(Path.of(named)), last);
    assertTrue(Arrays.asList(last.split("; ")).size() >= 2, last);
  }
}
