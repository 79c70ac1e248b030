package org.medvlm.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medvlm.TestData;
import org.medvlm.data.PhantomGenerator;
import org.medvlm.io.NiftiReader;
import org.medvlm.checkpoint.Checkpoint;
import org.medvlm.volume.Geometry;
import org.medvlm.volume.Volume;

/** train and segment from the command line, with the bad inputs of the U-Net issue. */
class TrainSegmentCliTest {
  @TempDir static Path shared;
  static Path data;
  static Path run;

  @BeforeAll
  static void trainTinyModel() throws Exception {
    data = shared.resolve("data");
    run = shared.resolve("run");
    CliTest.Result r = trainTinyUNet(data, run, 2);
    assertTrue(r.out().contains("best epoch"), r.out());
  }

  /** Three 64-px phantoms in {@code data} and a tiny U-Net trained on them for {@code epochs} into {@code run}. */
  static CliTest.Result trainTinyUNet(Path data, Path run, int epochs) throws Exception {
    PhantomGenerator.writeDataset(data, 3, 2, 64, false, s -> {});
    CliTest.Result r = CliTest.run("train", "--model", "unet", "--data", data.toString(), "--val-cases", "1", "--out", run.toString(),
        "--epochs", String.valueOf(epochs), "--size", "32", "--spacing", "6", "--width", "4", "--depth", "2", "--device", "cpu");
    assertEquals(0, r.code(), r.err());
    return r;
  }

  @Test
  void trainingFolderHoldsCheckpointsCurvesAndCard() throws Exception {
    for (String f : new String[] {"best.ckpt", "latest.ckpt", "previous.ckpt", "curves.csv", "model.json"}) assertTrue(Files.exists(run.resolve(f)), f);
    var card = JsonParser.parseString(Files.readString(run.resolve("model.json"))).getAsJsonObject();
    assertEquals(1, card.getAsJsonArray("validation_cases").size());
    assertTrue(card.get("trainable_parameters").getAsLong() > 1000);
  }

  @Test
  void segmentTheRealCtOntoItsOwnGrid() throws Exception {
    Path out = shared.resolve("real_seg.nii.gz");
    Path vol = shared.resolve("real_volumes.csv");
    CliTest.Result r = CliTest.run("segment", "--model", run.toString(), "--input", TestData.ctSmall().toString(), "--out", out.toString(),
        "--volumes", vol.toString(), "--device", "cpu");
    assertEquals(0, r.code(), r.err());
    Volume<?> seg = NiftiReader.readLabels(out);
    Geometry g = NiftiReader.readImage(TestData.ctSmall()).geometry();
    assertArrayEquals(new int[] {122, 101, 30}, seg.dims());
    assertEquals(g, seg.geometry());
    assertTrue(Files.readString(vol).startsWith("case,"));
    CliTest.assertError(CliTest.run("segment", "--model", run.toString(), "--input", TestData.ctSmall().toString(), "--out", out.toString()), 2, "already exists");
  }

  @Test
  void badModelFiles() throws Exception {
    Path truncated = shared.resolve("truncated.ckpt");
    byte[] b = Files.readAllBytes(run.resolve("best.ckpt"));
    Files.write(truncated, java.util.Arrays.copyOf(b, b.length / 2));
    Path out = shared.resolve("o.nii.gz");
    CliTest.assertError(CliTest.run("segment", "--model", truncated.toString(), "--input", TestData.ctSmall().toString(), "--out", out.toString()), 2, "damaged");
    Checkpoint c = Checkpoint.read(run.resolve("best.ckpt"));
    c.meta().addProperty("model_type", "medvlm-small");
    Path other = shared.resolve("other.ckpt");
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    c.writeTo(bos);
    Files.write(other, bos.toByteArray());
    CliTest.assertError(CliTest.run("segment", "--model", other.toString(), "--input", TestData.ctSmall().toString(), "--out", out.toString()), 2, "medvlm-small");
    CliTest.assertError(CliTest.run("segment", "--model", shared.resolve("none.ckpt").toString(), "--input", TestData.ctSmall().toString(), "--out", out.toString()), 2, "no such checkpoint");
    assertFalse(Files.exists(out), "nothing written");
  }

  @Test
  void inputsThatAreNotCtAndOrgansTheModelLacks() throws Exception {
    Path zeros = shared.resolve("zeros.nii.gz");
    org.medvlm.io.NiftiWriter.write(Volume.ofFloats(new float[16 * 16 * 4], new int[] {16, 16, 4}, Geometry.of(new double[] {1, 1, 1}, new double[3])), zeros, false);
    Path out = shared.resolve("z.nii.gz");
    CliTest.assertError(CliTest.run("segment", "--model", run.toString(), "--input", zeros.toString(), "--out", out.toString()), 2, "do not look like CT");
    CliTest.assertError(CliTest.run("segment", "--model", run.toString(), "--input", TestData.ctSmall().toString(), "--out", out.toString(), "--organs", "kidney"), 2, "unknown organ 'kidney'");
    assertFalse(Files.exists(out));
  }

  @Test
  void trainingBadInputs() throws Exception {
    Path noLabels = shared.resolve("nolabels");
    Files.createDirectories(noLabels.resolve("img"));
    Files.copy(data.resolve("img/img0001.nii.gz"), noLabels.resolve("img/img0001.nii.gz"));
    CliTest.assertError(CliTest.run("train", "--model", "unet", "--data", noLabels.toString(), "--out", shared.resolve("r2").toString()), 2, "not a dataset folder");
    Path other = shared.resolve("otherids");
    Files.createDirectories(other.resolve("img"));
    Files.createDirectories(other.resolve("label"));
    Files.copy(TestData.ctSmall(), other.resolve("img/img0001.nii.gz"));
    Files.copy(TestData.seg(), other.resolve("label/label0001.nii.gz"));
    Files.copy(TestData.ctSmall(), other.resolve("img/img0002.nii.gz"));
    Files.copy(TestData.seg(), other.resolve("label/label0002.nii.gz"));
    CliTest.assertError(CliTest.run("train", "--model", "unet", "--data", other.toString(), "--out", shared.resolve("r3").toString(), "--epochs", "1",
        "--size", "32", "--spacing", "6", "--width", "4", "--depth", "2"), 2, "is not a BTCV id");
    CliTest.assertError(CliTest.run("train", "--model", "resnet", "--data", data.toString()), 2, "--model: unknown model 'resnet'");
    CliTest.assertError(CliTest.run("train", "--model", "unet", "--data", data.toString(), "--out", run.toString(), "--epochs", "1", "--size", "32",
        "--spacing", "6", "--width", "4", "--depth", "2"), 2, "--resume");
  }
}
