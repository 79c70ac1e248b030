package org.medvlm.weights;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medvlm.BadInputException;
import org.medvlm.io.NpyFile;
import org.medvlm.model.vlm.BertEncoder;

/**
 * ONNX exports: the tiny MiniLM-style BERT and timm ViT exported by torch.onnx.export
 * (tools/make_onnx_fixtures.py) give the same outputs as the reference implementations, and damaged
 * files are refused in one line.
 */
class OnnxReaderTest {
  static final Path DIR = Paths.get("src/test/resources/encoders");
  @TempDir Path tmp;

  @Test
  void transposedMatMulWeightsAreRenamedFromTheGraph() throws Exception {
    try (StateDict sd = WeightsFile.open(DIR.resolve("minilm-onnx/model.onnx"))) {
      assertEquals("onnx", sd.format());
      assertTrue(sd.names().stream().noneMatch(n -> n.startsWith("onnx::")), "every MatMul weight renamed: " + sd.names());
      StoredTensor q = sd.get("encoder.layer.0.attention.self.query.weight");
      assertNotNull(q, sd.names().toString());
      try (StateDict ref = WeightsFile.open(DIR.resolve("minilm/model.safetensors"))) {
        for (String name : ref.names()) {
          if (name.startsWith("pooler.")) continue; // the export keeps what last_hidden_state needs
          assertArrayEquals(ref.get(name).shape(), sd.get(name).shape(), name);
          assertArrayEquals(ref.floats(name), sd.floats(name), name + ": the transpose of the stored [in, out] matrix");
        }
      }
    }
  }

  @Test
  void ourBertOnTheOnnxExportReproducesTheReference() throws Exception {
    Path dir = DIR.resolve("minilm");
    JsonObject ref = JsonParser.parseString(Files.readString(dir.resolve("reference.json"))).getAsJsonObject();
    for (Path weights : new Path[] {DIR.resolve("minilm-onnx"), DIR.resolve("minilm-onnx/model.onnx")}) {
      try (NDManager m = NDManager.newBaseManager()) {
        var loaded = PretrainedEncoders.bert(weights, m, false);
        NDArray ids = m.create(EncoderParityTest.longs(ref.getAsJsonArray("ids")), new Shape(2, ref.getAsJsonArray("ids").get(0).getAsJsonArray().size()));
        NDArray mask = m.create(EncoderParityTest.longs(ref.getAsJsonArray("mask")), ids.getShape());
        BertEncoder.Output out = loaded.encoder().encode(new ParameterStore(m, false), ids, mask, false);
        assertTrue(EncoderParityTest.maxAbsDiff(out.states().toFloatArray(), NpyFile.read(dir.resolve("states.npy")).data()) <= 1e-4, weights + ": states");
        assertTrue(EncoderParityTest.maxAbsDiff(out.pooled().toFloatArray(), NpyFile.read(dir.resolve("pooled_mean.npy")).data()) <= 1e-4, weights + ": mean-pooled");
      }
    }
  }

  /** The timm-named ViT exported the same way: the rule renames its qkv, proj and MLP weights too; same tokens as torchvision to 1e-4. */
  @Test
  void aTimmVitExportReproducesTheReference() throws Exception {
    try (StateDict sd = WeightsFile.open(DIR.resolve("vit-onnx"))) {
      assertTrue(sd.names().contains("blocks.1.attn.qkv.weight") && sd.names().contains("blocks.0.mlp.fc2.weight"), sd.names().toString());
    }
    float[] ours = EncoderParityTest.vitTokens(DIR.resolve("vit-onnx"), "input.npy", 0);
    double d = EncoderParityTest.maxAbsDiff(ours, NpyFile.read(DIR.resolve("vit/tokens.npy")).data());
    assertTrue(d <= 1e-4, "max abs difference " + d);
  }

  private static void put(ByteArrayOutputStream o, long v) {
    while ((v & ~0x7FL) != 0) {
      o.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    o.write((int) v);
  }

  private static byte[] field(int number, byte[] payload) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    put(o, ((long) number << 3) | 2);
    put(o, payload.length);
    o.writeBytes(payload);
    return o.toByteArray();
  }

  private static byte[] varintField(int number, long value) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    put(o, (long) number << 3);
    put(o, value);
    return o.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    for (byte[] p : parts) o.writeBytes(p);
    return o.toByteArray();
  }

  /** A model whose graph holds one initializer: float, dims {@code dims}, raw data {@code raw}. */
  private static byte[] model(byte[] tensor) {
    return concat(varintField(1, 7), field(7, field(5, tensor)));
  }

  private static byte[] tensor(String name, int type, long[] dims, byte[] raw) {
    ByteArrayOutputStream d = new ByteArrayOutputStream();
    for (long x : dims) put(d, x);
    return concat(field(1, d.toByteArray()), varintField(2, type), field(8, name.getBytes()), field(9, raw));
  }

  private void assertRefused(byte[] bytes, String expected) throws Exception {
    Path f = tmp.resolve("model.onnx");
    Files.write(f, bytes);
    BadInputException e = assertThrows(BadInputException.class, () -> {
      try (StateDict sd = WeightsFile.open(f)) {
        for (String n : sd.names()) sd.floats(n);
      }
    });
    assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void damagedFilesAreRefusedNamingTheProblem() throws Exception {
    byte[] ok = model(tensor("w", 1, new long[] {2, 2}, new byte[16]));
    Path f = tmp.resolve("model.onnx");
    Files.write(f, ok);
    try (StateDict sd = WeightsFile.open(f)) {
      assertArrayEquals(new float[4], sd.floats("w"));
    }
    assertRefused(java.util.Arrays.copyOf(ok, ok.length - 5), "runs past the end");
    assertRefused(model(tensor("w", 1, new long[] {2, 2}, new byte[12])), "holds 12 bytes, but its shape [2, 2] of F32 needs 16".replace("F32", "f32"));
    assertRefused(model(tensor("w", 8, new long[] {2}, new byte[2])), "ONNX element type 8, which is not supported");
    assertRefused(model(tensor("w", 1, new long[] {Long.MAX_VALUE / 2, 4}, new byte[4])), "more elements than fit");
    assertRefused(concat(model(tensor("w", 1, new long[] {1}, new byte[4])), field(7, field(5, tensor("w", 1, new long[] {1}, new byte[4])))), "two initializers are named w");
    assertRefused(model(concat(tensor("w", 1, new long[] {1}, new byte[4]), varintField(14, 1))), "external file, which is not supported");
    assertRefused(new byte[] {(byte) 0x0B, 1, 2, 3}, "wire type 3");
    assertRefused(new byte[] {8, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1}, "longer than");
    assertRefused(varintField(1, 7), "no graph");
  }
}
