package org.medvlm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medvlm.data.PhantomGenerator;
import org.medvlm.io.NpyFile;

/** {@code weights check}, {@code embed} and {@code train} with pretrained encoders, from the command line. */
class WeightsCliTest {
  private static final Path ENC = Path.of("src/test/resources/encoders");
  @TempDir Path tmp;

  private static double maxAbsDiff(float[] a, float[] b) {
    assertEquals(b.length, a.length);
    double m = 0;
    for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
    return m;
  }

  @Test
  void checkGivesACleanBillOrTheProblems() throws Exception {
    CliTest.Result ok = CliTest.run("weights", "check", ENC.resolve("biobert").toString());
    assertEquals(0, ok.code(), ok.err());
    assertTrue(ok.out().contains("architecture: BERT: width 32, 2 layers, 2 heads (config.json)"), ok.out());
    assertTrue(ok.out().contains("fits:         medvlm-tiny (as the text encoder"), ok.out());
    assertTrue(ok.out().contains("result:       OK"), ok.out());
    // a damaged copy: one tensor gone
    Path dir = Files.createDirectories(tmp.resolve("vit"));
    var t = org.medvlm.weights.SafetensorsFixtureAccess.read(ENC.resolve("vit/model.safetensors"));
    t.remove("blocks.0.attn.qkv.bias");
    org.medvlm.weights.SafetensorsFixtureAccess.write(dir.resolve("model.safetensors"), t);
    Files.copy(ENC.resolve("vit/config.json"), dir.resolve("config.json"));
    CliTest.Result bad = CliTest.run("weights", "check", dir.toString());
    assertEquals(2, bad.code());
    assertTrue(bad.out().contains("1 problem") && bad.out().contains("missing key blocks.0.attn.qkv.bias"), bad.out());
    CliTest.Result evil = CliTest.run("weights", "check", ENC.resolve("formats/evil-eval.bin").toString());
    assertEquals(2, evil.code());
    assertTrue(evil.err().startsWith("medvlm: error: " + ENC.resolve("formats/evil-eval.bin") + ": pickle names the global __builtin__.eval"), evil.err());
  }

  @Test
  void embedRawInputsMatchTheReferences() throws Exception {
    Path image = tmp.resolve("tokens.npy");
    CliTest.Result r = CliTest.run("embed", "--image-weights", ENC.resolve("vit/pytorch_model.bin").toString(), "--tensor", ENC.resolve("vit/input.npy").toString(),
        "--out", image.toString(), "--device", "cpu");
    assertEquals(0, r.code(), r.err());
    NpyFile.Array tokens = NpyFile.read(image);
    assertArrayEquals(new long[] {2, 17, 48}, tokens.shape());
    assertTrue(maxAbsDiff(tokens.data(), NpyFile.read(ENC.resolve("vit/tokens.npy")).data()) <= 1e-4);

    var ref = JsonParser.parseString(Files.readString(ENC.resolve("minilm/reference.json"))).getAsJsonObject();
    long[] ids = ref.getAsJsonArray("ids").get(0).getAsJsonArray().asList().stream().mapToLong(e -> e.getAsLong()).toArray();
    Path text = tmp.resolve("states.npy");
    r = CliTest.run("embed", "--text-weights", ENC.resolve("minilm").toString(), "--token-ids",
        String.join(",", Arrays.stream(ids).mapToObj(Long::toString).toList()), "--out", text.toString(), "--device", "cpu");
    assertEquals(0, r.code(), r.err());
    NpyFile.Array states = NpyFile.read(text);
    assertArrayEquals(new long[] {1, ids.length, 32}, states.shape());
    float[] first = Arrays.copyOf(NpyFile.read(ENC.resolve("minilm/states.npy")).data(), ids.length * 32); // row 0 of the reference batch
    assertTrue(maxAbsDiff(states.data(), first) <= 1e-4);
  }

  @Test
  void embedCtSlicesAndPrompts() throws Exception {
    Path ct = org.medvlm.TestData.ctSmall(); // real CT
    Path out = tmp.resolve("slice.npy");
    CliTest.Result r = CliTest.run("embed", "--image-weights", ENC.resolve("vit").toString(), "--input", ct.toString(), "--slice", "3", "--out", out.toString(),
        "--device", "cpu");
    assertEquals(0, r.code(), r.err());
    assertArrayEquals(new long[] {1, 17, 48}, NpyFile.read(out).shape());
    CliTest.Result outside = CliTest.run("embed", "--image-weights", ENC.resolve("vit").toString(), "--input", ct.toString(), "--slice", "100000", "--out",
        tmp.resolve("x.npy").toString(), "--device", "cpu");
    assertEquals(2, outside.code());
    assertTrue(outside.err().contains("--slice: 100000 is outside the"), outside.err());
    assertFalse(Files.exists(tmp.resolve("x.npy")));
    // cased BioBERT vocabulary: "Spleen" and "spleen" are different tokens; MiniLM lower-cases
    Path cased = tmp.resolve("cased.npy");
    Path lower = tmp.resolve("lower.npy");
    assertEquals(0, CliTest.run("embed", "--text-weights", ENC.resolve("biobert").toString(), "--text", "The spleen", "--out", cased.toString(), "--device", "cpu").code());
    assertEquals(0, CliTest.run("embed", "--text-weights", ENC.resolve("biobert").toString(), "--text", "the spleen", "--out", lower.toString(), "--device", "cpu").code());
    assertFalse(Arrays.equals(NpyFile.read(cased).data(), NpyFile.read(lower).data()), "BioBERT is cased");
    assertEquals(0, CliTest.run("embed", "--text-weights", ENC.resolve("minilm").toString(), "--text", "The spleen", "--out", cased.toString(), "--overwrite", "--device", "cpu").code());
    assertEquals(0, CliTest.run("embed", "--text-weights", ENC.resolve("minilm").toString(), "--text", "the spleen", "--out", lower.toString(), "--overwrite", "--device", "cpu").code());
    assertArrayEquals(NpyFile.read(cased).data(), NpyFile.read(lower).data(), "MiniLM lower-cases");
    CliTest.Result badId = CliTest.run("embed", "--text-weights", ENC.resolve("minilm").toString(), "--token-ids", "2,99999,3", "--out", tmp.resolve("y.npy").toString());
    assertEquals(2, badId.code());
    assertTrue(badId.err().contains("--token-ids: id 99999 is outside the vocabulary"), badId.err());
  }

  @Test
  void trainWithPretrainedEncoders() throws Exception {
    Path data = tmp.resolve("data");
    PhantomGenerator.writeDataset(data, 2, 2, 64, false, s -> {});
    Path run = tmp.resolve("run");
    CliTest.Result r = CliTest.run("train", "--model", "medvlm-tiny", "--data", data.toString(), "--val-cases", "1", "--out", run.toString(), "--epochs", "1",
        "--size", "32", "--spacing", "6", "--organs", "spleen,liver", "--batch", "4", "--device", "cpu",
        "--image-weights", ENC.resolve("vit").toString(), "--text-weights", ENC.resolve("biobert").toString());
    assertEquals(0, r.code(), r.err());
    assertFalse(r.err().contains("warning: no pretrained"), r.err());
    assertTrue(r.err().contains("image encoder: ") && r.err().contains("position embeddings resampled from a 4x4 to a 2x2 grid"), r.err());
    assertTrue(r.err().contains("text encoder: ") && r.err().contains("ignored 7 entries"), r.err());
    var card = JsonParser.parseString(Files.readString(run.resolve("model.json"))).getAsJsonObject();
    assertTrue(card.get("text_weights").getAsString().endsWith("biobert"));
    // the wrong encoder for the variant
    CliTest.Result wrong = CliTest.run("train", "--model", "medvlm-small", "--data", data.toString(), "--val-cases", "1", "--out", tmp.resolve("run2").toString(),
        "--epochs", "1", "--size", "32", "--device", "cpu", "--image-weights", ENC.resolve("vit").toString());
    assertEquals(2, wrong.code());
    assertTrue(wrong.err().contains("medvlm-small needs width 192, depth 12 and 3 heads"), wrong.err());
  }

  /** The bundled MiniLM by name: a clean bill, and embed works offline with its own tokenizer. */
  @Test
  void theBuiltInMiniLmChecksAndEmbeds() throws Exception {
    CliTest.Result check = CliTest.run("weights", "check", "builtin:all-MiniLM-L6-v2");
    assertEquals(0, check.code(), check.err() + check.out());
    assertTrue(check.out().contains("onnx, 102 tensors") && check.out().contains("width 384, 6 layers, 12 heads") && check.out().contains("OK"), check.out());
    Path out = java.nio.file.Files.createTempDirectory("embed").resolve("liver.npy");
    CliTest.Result embed = CliTest.run("embed", "--text-weights", "builtin:all-MiniLM-L6-v2", "--text", "the liver", "--out", out.toString(), "--device", "cpu");
    assertEquals(0, embed.code(), embed.err());
    assertTrue(embed.out().contains("[1, 4, 384] float32"), embed.out()); // [CLS] the liver [SEP]
    CliTest.assertError(CliTest.run("weights", "check", "builtin:nothing"), 2, "builtin:nothing: unknown built-in encoder");
  }
}
