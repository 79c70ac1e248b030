package org.medvlm.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medvlm.TestData;
import org.medvlm.data.PhantomGenerator;
import org.medvlm.io.NiftiReader;
import org.medvlm.volume.Geometry;
import org.medvlm.volume.Volume;

/** Med-VLM train and segment from the command line: organs, free-text prompts, binary masks, bad input. */
class MedVlmCliTest {
  @TempDir static Path shared;
  static Path data;
  static Path run;
  static String ct;

  @BeforeAll
  static void trainTinyModel() throws Exception {
    data = shared.resolve("data");
    run = shared.resolve("run");
    ct = TestData.ctSmall().toString();
    PhantomGenerator.writeDataset(data, 3, 2, 64, false, s -> {});
    CliTest.Result r = CliTest.run("train", "--model", "medvlm-tiny", "--data", data.toString(), "--val-cases", "1", "--out", run.toString(),
        "--epochs", "1", "--size", "32", "--spacing", "6", "--organs", "spleen,liver", "--batch", "4", "--device", "cpu");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("warning: no pretrained encoder weights"), r.err());
    assertTrue(r.out().contains("best epoch"), r.out());
  }

  @Test
  void cardAndCheckpointDescribeTheModel() throws Exception {
    var card = JsonParser.parseString(Files.readString(run.resolve("model.json"))).getAsJsonObject();
    assertEquals("medvlm-tiny", card.get("model").getAsString());
    assertTrue(card.get("trainable_parameters").getAsLong() > 1000);
    assertTrue(card.get("frozen_parameters").getAsLong() > 0, "encoders frozen under LoRA");
  }

  @Test
  void segmentOrgansOntoTheInputGrid() throws Exception {
    Path out = shared.resolve("organs.nii.gz");
    Path vol = shared.resolve("organs.json");
    CliTest.Result r = CliTest.run("segment", "--model", run.toString(), "--input", ct, "--out", out.toString(), "--volumes", vol.toString(), "--device", "cpu");
    assertEquals(0, r.code(), r.err());
    Volume<?> seg = NiftiReader.readLabels(out);
    assertArrayEquals(new int[] {122, 101, 30}, seg.dims());
    assertEquals(NiftiReader.readImage(TestData.ctSmall()).geometry(), seg.geometry());
    assertTrue(Files.readString(vol).contains("\"spleen\""));
  }

  @Test
  void binaryMasksAndFreeTextPrompts() throws Exception {
    Path out = shared.resolve("bin.nii.gz");
    CliTest.Result r = CliTest.run("segment", "--model", run.toString(), "--input", ct, "--out", out.toString(), "--binary", "--device", "cpu");
    assertEquals(0, r.code(), r.err());
    for (String organ : new String[] {"spleen", "liver"}) {
      Volume<?> m = NiftiReader.readLabels(shared.resolve("bin_" + organ + ".nii.gz"));
      assertArrayEquals(new int[] {122, 101, 30}, m.dims());
    }
    Path p = shared.resolve("prompt.nii.gz");
    r = CliTest.run("segment", "--model", run.toString(), "--input", ct, "--out", p.toString(), "--prompt", "the organ in the left upper quadrant under the diaphragm");
    assertEquals(0, r.code(), r.err());
    Geometry g = NiftiReader.readImage(TestData.ctSmall()).geometry();
    assertEquals(g, NiftiReader.readLabels(p).geometry());
    Path longOut = shared.resolve("long.nii.gz");
    r = CliTest.run("segment", "--model", run.toString(), "--input", ct, "--out", longOut.toString(), "--prompt", "spleen ".repeat(300));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("warning: prompt truncated"), r.err());
  }

  @Test
  void badInput() throws Exception {
    Path out = shared.resolve("bad.nii.gz");
    CliTest.assertError(CliTest.run("segment", "--model", run.toString(), "--input", ct, "--out", out.toString(), "--organs", "splen"), 2, "did you mean 'spleen'?");
    CliTest.assertError(CliTest.run("segment", "--model", run.toString(), "--input", ct, "--out", out.toString(), "--organs", "pancreas"), 2,
        "--organs: the model was not trained on the pancreas (it knows: spleen, liver)");
    CliTest.assertError(CliTest.run("segment", "--model", run.toString(), "--input", ct, "--out", out.toString(), "--prompt", "  "), 2, "--prompt: the prompt is empty");
    CliTest.assertError(CliTest.run("train", "--model", "medvlm-small", "--data", data.toString(), "--val-cases", "1", "--out", run.toString(), "--resume",
        "--size", "32", "--spacing", "6", "--organs", "spleen,liver", "--epochs", "2"), 2, "holds a medvlm-tiny checkpoint, not medvlm-small");
    CliTest.assertError(CliTest.run("train", "--model", "medvlm-huge", "--data", data.toString()), 2, "unknown model 'medvlm-huge'");
    CliTest.assertError(CliTest.run("train", "--model", "medvlm-tiny", "--data", data.toString(), "--size", "40"), 2, "multiple of the ViT's 16-pixel patches");
    assertFalse(Files.exists(out), "nothing written");
  }

  @Test
  void dataParallelTrainingOnTwoReplicas() throws Exception {
    // two replicas on the CPU run the multi-GPU code path; the global batch of 4 is split 2+2
    Path two = shared.resolve("run-two");
    CliTest.Result r = CliTest.run("train", "--model", "medvlm-tiny", "--data", data.toString(), "--val-cases", "1", "--out", two.toString(),
        "--epochs", "1", "--size", "32", "--spacing", "6", "--organs", "spleen,liver", "--batch", "4", "--devices", "cpu,cpu");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("device: cpu(), cpu() (PyTorch"), r.err());
    assertTrue(r.err().contains("data-parallel, each step's batch of 4 split 2+2"), r.err());
    for (String key : new String[] {"trainLoss", "valLoss"}) {
      double one = epochOne(run, key), dp = epochOne(two, key);
      System.out.printf("%s: one device %.6f, two replicas %.6f%n", key, one, dp);
      assertEquals(one, dp, 1e-3 * Math.abs(one), key + ": same global batch, same training up to floating point");
    }

    Path bad = shared.resolve("run-bad");
    String[] common = {"train", "--model", "medvlm-tiny", "--data", data.toString(), "--val-cases", "1", "--out", bad.toString(), "--size", "32"};
    CliTest.assertError(CliTest.run(concat(common, "--devices", "cpu,cpu", "--batch", "1")), 2, "--batch: 1 is smaller than the 2 devices");
    CliTest.assertError(CliTest.run(concat(common, "--devices", "cpu,cpu", "--device", "cpu")), 2, "give --device or --devices, not both");
    CliTest.assertError(CliTest.run(concat(common, "--devices", "x,0")), 2, "'x' is neither a GPU index nor cpu");
    if (ai.djl.engine.Engine.getInstance().getGpuCount() == 0) {
      CliTest.assertError(CliTest.run(concat(common, "--devices", "0,1")), 2, "GPU 0 requested but PyTorch sees no GPU (this is the CPU build");
    }
    assertFalse(Files.exists(bad.resolve("latest.ckpt")));
  }

  private static double epochOne(Path run, String key) throws Exception {
    var card = JsonParser.parseString(Files.readString(run.resolve("model.json"))).getAsJsonObject();
    return card.getAsJsonArray("history").get(0).getAsJsonObject().get(key).getAsDouble();
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void modelInfoCountsParameters() {
    CliTest.Result r = CliTest.run("model-info", "--model", "medvlm-small");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("trainable       3,135,759"), r.out());
    assertTrue(r.out().contains("(31.4 M)"), r.out());
    CliTest.assertError(CliTest.run("model-info", "--model", "medvlm-huge"), 2, "unknown Med-VLM variant");
  }
}
