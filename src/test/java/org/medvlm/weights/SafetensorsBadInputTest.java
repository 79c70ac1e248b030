package org.medvlm.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medvlm.BadInputException;

/** The safetensors reader accepts what the reference loader accepts and refuses the rest, naming the file and the problem. */
class SafetensorsBadInputTest {
  @TempDir Path tmp;

  static byte[] file(long headerLength, byte[] header, int dataBytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerLength).array());
    out.writeBytes(header);
    out.writeBytes(new byte[dataBytes]);
    return out.toByteArray();
  }

  static byte[] file(String header, int dataBytes) {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    return file(h.length, h, dataBytes);
  }

  private String problem(byte[] content) throws Exception {
    Path f = tmp.resolve("model.safetensors");
    Files.write(f, content);
    BadInputException e = assertThrows(BadInputException.class, () -> WeightsFile.open(f).close());
    assertEquals(f.toString(), e.subject());
    assertTrue(!e.getMessage().contains("\n"), "one line");
    return e.problem();
  }

  private static String tensor(String name, String dtype, String shape, long start, long end) {
    return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + start + "," + end + "]}";
  }

  @Test
  void validFileReads() throws Exception {
    Path f = tmp.resolve("ok.safetensors");
    byte[] header = ("{" + tensor("b", "F32", "[2]", 8, 16) + "," + tensor("a", "F32", "[2]", 0, 8) + ",\"__metadata__\":{\"format\":\"pt\"}}  ").getBytes(StandardCharsets.UTF_8);
    byte[] all = file(header.length, header, 0);
    ByteBuffer data = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putFloat(1).putFloat(2).putFloat(3).putFloat(4);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(all);
    out.writeBytes(data.array());
    Files.write(f, out.toByteArray());
    try (StateDict sd = WeightsFile.open(f)) {
      assertArrayEquals(new float[] {1, 2}, sd.floats("a"));
      assertArrayEquals(new float[] {3, 4}, sd.floats("b"));
      assertEquals("pt", sd.metadata().get("format"));
    }
  }

  @Test
  void dtypesConvertToFloat() throws Exception {
    Path dir = EncoderParityTest.DIR.resolve("formats");
    JsonObject expected = JsonParser.parseString(Files.readString(dir.resolve("dtypes.json"))).getAsJsonObject();
    try (StateDict sd = WeightsFile.open(dir.resolve("dtypes.safetensors"))) {
      for (String name : new String[] {"f32", "f16", "bf16", "i64"}) {
        float[] want = new float[expected.getAsJsonArray(name).size()];
        for (int i = 0; i < want.length; i++) want[i] = expected.getAsJsonArray(name).get(i).getAsFloat();
        assertArrayEquals(want, sd.floats(name), name);
      }
      assertArrayEquals(sd.floats("f32"), sd.floats("f64"));
    }
  }

  @Test
  void headerProblems() throws Exception {
    assertTrue(problem(file(200_000_000L, new byte[0], 0)).contains("exceeds 100 MB"));
    assertTrue(problem(file(-1L, new byte[0], 0)).contains("exceeds 100 MB"));
    assertTrue(problem(file(64, "{}".getBytes(StandardCharsets.UTF_8), 0)).contains("runs past the end"));
    assertTrue(problem(new byte[5]).contains("shorter than the 8-byte header length"));
    assertTrue(problem(file(4, new byte[] {'{', (byte) 0xff, (byte) 0xfe, '}'}, 0)).contains("not UTF-8"));
    assertTrue(problem(file(" {}", 0)).contains("does not start with '{'"));
    assertTrue(problem(file("[1,2]", 0)).contains("does not start with '{'"));
    assertTrue(problem(file("{\"a\":", 0)).contains("not valid JSON"));
    assertTrue(problem(file("{} x", 0)).contains("not valid JSON") || problem(file("{} x", 0)).contains("after its JSON"));
    assertTrue(problem(file("{" + tensor("a", "F32", "[1]", 0, 4) + "," + tensor("a", "F32", "[1]", 4, 8) + "}", 8)).contains("key a twice"));
    assertTrue(problem(file("{" + tensor("a", "F12", "[1]", 0, 4) + "}", 4)).contains("unknown or unsupported dtype F12"));
    assertTrue(problem(file("{\"__metadata__\":{\"n\":1}}", 0)).contains("__metadata__ value of n is not a string"));
    assertTrue(problem(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 0)).contains("lacks dtype, shape or data_offsets"));
    assertTrue(problem(file("{" + tensor("a", "F32", "[-1]", 0, 4) + "}", 4)).contains("negative"));
  }

  @Test
  void shapeAndRangeProblems() throws Exception {
    assertTrue(problem(file("{" + tensor("a", "F32", "[4611686018427387904,8]", 0, 4) + "}", 4)).contains("overflows"));
    assertTrue(problem(file("{" + tensor("a", "F32", "[3]", 0, 8) + "}", 8)).contains("needs 12 bytes but its byte range holds 8"));
    assertTrue(problem(file("{" + tensor("a", "F32", "[1]", 4, 8) + "}", 8)).contains("starts at byte 4 of the data, expected 0"));
    assertTrue(problem(file("{" + tensor("a", "F32", "[2]", 0, 8) + "," + tensor("b", "F32", "[2]", 4, 12) + "}", 12)).contains("overlapping"));
    assertTrue(problem(file("{" + tensor("a", "F32", "[1]", 0, 4) + "," + tensor("b", "F32", "[1]", 8, 12) + "}", 12)).contains("a hole"));
    assertTrue(problem(file("{" + tensor("a", "F32", "[1]", 0, 4) + "}", 6)).contains("2 trailing bytes"));
    assertTrue(problem(file("{" + tensor("a", "F32", "[4]", 0, 16) + "}", 10)).contains("truncated"));
    assertTrue(problem(file("{" + tensor("a", "F32", "[1]", 8, 4) + "}", 8)).contains("starts at byte 8"));
  }

  @Test
  void missingAndDirectoryInputs() throws Exception {
    BadInputException e = assertThrows(BadInputException.class, () -> WeightsFile.open(tmp.resolve("nope.safetensors")));
    assertTrue(e.problem().contains("no such weights file"));
    e = assertThrows(BadInputException.class, () -> WeightsFile.open(tmp));
    assertTrue(e.problem().contains("holds none of model.safetensors, pytorch_model.bin, model.onnx, onnx/model.onnx"), e.problem());
  }
}
