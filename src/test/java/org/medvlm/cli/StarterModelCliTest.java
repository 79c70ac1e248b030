package org.medvlm.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import net.imglib2.type.numeric.integer.IntType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medvlm.TestData;
import org.medvlm.data.PhantomGenerator;
import org.medvlm.infer.StarterModel;
import org.medvlm.io.NiftiReader;
import org.medvlm.io.VolumeIO;
import org.medvlm.volume.Volume;

/** {@code export} (weights only, same labels) and the starter model that {@code segment} uses when given no model. */
class StarterModelCliTest {
  @TempDir Path tmp;

  @Test
  void anExportedModelIsSmallerAndSegmentsExactlyAsTheOriginal() throws Exception {
    Path data = tmp.resolve("data");
    PhantomGenerator.writeDataset(data, 3, 3, 64, false, s -> {});
    Path run = tmp.resolve("run");
    CliTest.Result t = CliTest.run("train", "--model", "unet", "--data", data.toString(), "--val-cases", "1", "--out", run.toString(),
        "--epochs", "1", "--size", "32", "--spacing", "6", "--width", "4", "--depth", "2", "--organs", "spleen,liver", "--device", "cpu");
    assertEquals(0, t.code(), t.err());
    Path shared = tmp.resolve("shared.ckpt");
    CliTest.Result e = CliTest.run("export", "--model", run.toString(), "--out", shared.toString());
    assertEquals(0, e.code(), e.err());
    assertTrue(Files.size(shared) < Files.size(run.resolve("best.ckpt")) * 0.6, Files.size(shared) + " vs " + Files.size(run.resolve("best.ckpt")));
    Path ct = data.resolve("img/img0001.nii.gz");
    Path a = tmp.resolve("a.nii.gz"), b = tmp.resolve("b.nii.gz");
    assertEquals(0, CliTest.run("segment", "--model", run.toString(), "--input", ct.toString(), "--out", a.toString(), "--device", "cpu").code());
    assertEquals(0, CliTest.run("segment", "--model", shared.toString(), "--input", ct.toString(), "--out", b.toString(), "--device", "cpu").code());
    assertArrayEquals(Volume.ints(NiftiReader.readLabels(a)), Volume.ints(NiftiReader.readLabels(b)));
    // never over an existing file without --overwrite, never onto its own input
    CliTest.assertError(CliTest.run("export", "--model", run.toString(), "--out", shared.toString()), 2, "exists");
    CliTest.assertError(CliTest.run("export", "--model", run.resolve("best.ckpt").toString(), "--out", run.resolve("best.ckpt").toString(),
        "--overwrite"), 2, "best.ckpt");
  }

  @Test
  void theFewScansRecipeSetsWhatItSaysAndExplicitOptionsWin() throws Exception {
    Path data = tmp.resolve("data");
    PhantomGenerator.writeDataset(data, 2, 3, 64, false, s -> {});
    Path run = tmp.resolve("recipe");
    CliTest.Result t = CliTest.run("train", "--model", "unet", "--data", data.toString(), "--val-cases", "1", "--out", run.toString(), "--recipe", "few-scans",
        "--epochs", "1", "--size", "32", "--depth", "2", "--organs", "spleen,liver", "--device", "cpu");
    assertEquals(0, t.code(), t.err());
    com.google.gson.JsonObject cfg = com.google.gson.JsonParser.parseString(Files.readString(run.resolve("model.json"))).getAsJsonObject()
        .getAsJsonObject("config");
    assertEquals(1, cfg.get("epochs").getAsInt(), "given explicitly");
    assertEquals(0.003, cfg.get("learningRate").getAsDouble(), 1e-6);
    assertEquals(0.3, cfg.getAsJsonObject("augment").get("gamma").getAsDouble(), 1e-9, "strong augmentation");
    assertEquals("COSINE", cfg.get("schedule").getAsString());
    assertEquals(32, cfg.getAsJsonObject("preprocess").get("size").getAsInt(), "given explicitly");
    assertEquals(3.0, cfg.getAsJsonObject("preprocess").getAsJsonArray("spacing").get(0).getAsDouble(), 1e-9);
    CliTest.assertError(CliTest.run("train", "--model", "unet", "--data", data.toString(), "--out", tmp.resolve("x").toString(), "--recipe", "many-scans"),
        2, "--recipe: unknown recipe 'many-scans' (few-scans)");
  }

  @Test
  void segmentWithoutAModelUsesTheStarterModelOnPatientBsDicomSeries() throws Exception {
    assertTrue(StarterModel.available(), "the starter model ships in the jar's resources");
    Path dicom = TestData.realCt().resolve("dicom_case");
    Path out = tmp.resolve("seg.nii.gz");
    CliTest.Result r = CliTest.run("segment", "--input", dicom.toString(), "--out", out.toString(), "--device", "cpu");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("model " + StarterModel.NAME + ", the starter model"), r.err());
    int depth = VolumeIO.readImage(dicom).dims()[2];
    assertTrue(r.err().contains("segmenting [########################] " + depth + "/" + depth + " slices"), "a progress bar of slices, drawn to the end: " + r.err());
    Volume<IntType> labels = NiftiReader.readLabels(out);
    assertTrue(labels.sameGrid(VolumeIO.readImage(dicom), 1e-3), "labels on exactly the series' grid");
    long liver = java.util.Arrays.stream(Volume.ints(labels)).filter(v -> v == 6).count();
    assertTrue(liver > 100_000, "patient B's 4 cm of upper abdomen are mostly liver: " + liver + " voxels");
  }
}
