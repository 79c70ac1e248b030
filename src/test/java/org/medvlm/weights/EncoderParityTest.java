package org.medvlm.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.medvlm.io.NpyFile;
import org.medvlm.model.vlm.BertEncoder;

/**
 * Our Java encoders compute what the reference implementations compute, on checkpoints in the
 * formats users download: torchvision's VisionTransformer under timm's key names, and a BERT with
 * HuggingFace's module names (fixtures from tools/make_encoder_fixtures.py). Tolerance 1e-4.
 */
class EncoderParityTest {
  static final Path DIR = Path.of("src/test/resources/encoders");
  private static final double TOL = 1e-4;

  static double maxAbsDiff(float[] a, float[] b) {
    assertEquals(b.length, a.length, "element count");
    double m = 0;
    for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
    return m;
  }

  static float[] vitTokens(Path weights, String input, int size) throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      var loaded = PretrainedEncoders.vit(weights, size, m, false);
      NpyFile.Array in = NpyFile.read(DIR.resolve("vit").resolve(input));
      NDArray x = m.create(in.data(), new Shape(in.shape()));
      return loaded.encoder().tokens(new ParameterStore(m, false), x, false).toFloatArray();
    }
  }

  @Test
  void vitSafetensorsAndPytorchMatchTorchvision() throws Exception {
    float[] ref = NpyFile.read(DIR.resolve("vit/tokens.npy")).data(); // (2, 17, 48): class token and 16 patch tokens
    for (String file : new String[] {"model.safetensors", "pytorch_model.bin"}) {
      float[] ours = vitTokens(DIR.resolve("vit").resolve(file), "input.npy", 0);
      double d = maxAbsDiff(ours, ref);
      assertTrue(d <= TOL, file + ": max abs difference " + d);
    }
  }

  @Test
  void vitAtAnotherSizeResamplesPositionsAsTimm() throws Exception {
    float[] ref = NpyFile.read(DIR.resolve("vit/tokens96.npy")).data(); // 64 px weights run at 96 px
    double d = maxAbsDiff(vitTokens(DIR.resolve("vit"), "input96.npy", 96), ref);
    assertTrue(d <= TOL, "max abs difference " + d);
  }

  @Test
  void positionEmbeddingsResampleLikeTorchBicubicAntialias() throws Exception {
    float[] pos = NpyFile.read(DIR.resolve("vit/pos14.npy")).data();
    for (int grid : new int[] {6, 20}) {
      float[] ref = NpyFile.read(DIR.resolve("vit/pos14_to_" + grid + ".npy")).data();
      double d = maxAbsDiff(PositionEmbedding.resample(pos, 8, 14, grid), ref);
      assertTrue(d <= 1e-5, "14 -> " + grid + ": max abs difference " + d);
    }
  }

  @Test
  void halfPrecisionFilesLoadIntoFloat() throws Exception {
    float[] ref16 = NpyFile.read(DIR.resolve("vit/tokens-f16.npy")).data();
    double d = maxAbsDiff(vitTokens(DIR.resolve("vit/model-f16.safetensors"), "input.npy", 0), ref16);
    assertTrue(d <= TOL, "f16: max abs difference " + d);
    // bf16 keeps 8 bits of mantissa: close to the float32 reference, not equal
    float[] ref = NpyFile.read(DIR.resolve("vit/tokens.npy")).data();
    double b = maxAbsDiff(vitTokens(DIR.resolve("vit/model-bf16.safetensors"), "input.npy", 0), ref);
    assertTrue(b > 0 && b < 0.1, "bf16: max abs difference " + b);
  }

  @Test
  void bertMiniLmAndBioBertMatchReference() throws Exception {
    for (String name : new String[] {"minilm", "biobert"}) {
      Path dir = DIR.resolve(name);
      JsonObject ref = JsonParser.parseString(Files.readString(dir.resolve("reference.json"))).getAsJsonObject();
      try (NDManager m = NDManager.newBaseManager()) {
        var loaded = PretrainedEncoders.bert(dir, m, false);
        NDArray ids = m.create(longs(ref.getAsJsonArray("ids")), new Shape(2, ref.getAsJsonArray("ids").get(0).getAsJsonArray().size()));
        NDArray mask = m.create(longs(ref.getAsJsonArray("mask")), ids.getShape());
        ParameterStore ps = new ParameterStore(m, false);
        BertEncoder.Output out = loaded.encoder().encode(ps, ids, mask, false);
        check(name + " token states", out.states().toFloatArray(), dir.resolve("states.npy"));
        check(name + " mean-pooled", out.pooled().toFloatArray(), dir.resolve("pooled_mean.npy"));
        check(name + " pooler", loaded.encoder().pooler(ps, out.states(), false).toFloatArray(), dir.resolve("pooler.npy"));
        if (name.equals("biobert")) assertTrue(loaded.report().ignored().stream().anyMatch(k -> k.startsWith("cls.")), "pre-training heads ignored");
      }
    }
  }

  private static void check(String what, float[] ours, Path ref) throws Exception {
    double d = maxAbsDiff(ours, NpyFile.read(ref).data());
    assertTrue(d <= TOL, what + ": max abs difference " + d);
  }

  static long[] longs(JsonArray rows) {
    return rows.asList().stream().flatMap(r -> r.getAsJsonArray().asList().stream()).mapToLong(e -> e.getAsLong()).toArray();
  }

  @Test
  void architectureComesFromConfigAndShapes() throws Exception {
    try (EncoderCheckpoint v = EncoderCheckpoint.open(DIR.resolve("vit"))) {
      assertEquals(new org.medvlm.model.vlm.VitConfig(64, 16, 48, 2, 3, 2), ((VitCheckpoint) v).architecture());
      assertEquals(java.util.List.of("head.weight", "head.bias"), v.ignored().stream().sorted(java.util.Comparator.reverseOrder()).toList());
    }
    try (EncoderCheckpoint b = EncoderCheckpoint.open(DIR.resolve("minilm"))) {
      var a = ((BertCheckpoint) b).architecture();
      assertArrayEquals(new int[] {32, 2, 2, 64, 128, 2}, new int[] {a.hidden(), a.layers(), a.heads(), a.intermediate(), a.maxPositions(), a.typeVocab()});
      assertEquals(java.util.List.of("embeddings.position_ids"), b.ignored());
    }
  }

  @Test
  void npyRoundTrip(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    NpyFile.Array a = new NpyFile.Array(new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, -6.5f});
    NpyFile.write(tmp.resolve("a.npy"), a);
    NpyFile.Array b = NpyFile.read(tmp.resolve("a.npy"));
    assertArrayEquals(a.shape(), b.shape());
    assertArrayEquals(a.data(), b.data());
    assertEquals(0, (Files.size(tmp.resolve("a.npy")) - 4 * 6) % 64, "header padded to 64 bytes as numpy does");
  }
}
