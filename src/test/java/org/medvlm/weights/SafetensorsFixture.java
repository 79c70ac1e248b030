package org.medvlm.weights;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes float32 safetensors files from name -> (shape, values), for tests that alter a real checkpoint. */
final class SafetensorsFixture {
  record Tensor(long[] shape, float[] values) {}

  private SafetensorsFixture() {}

  /** All tensors of a checkpoint, as float32. */
  static Map<String, Tensor> read(Path path) throws Exception {
    Map<String, Tensor> out = new LinkedHashMap<>();
    try (StateDict sd = WeightsFile.open(path)) {
      for (StoredTensor t : sd.tensors().values()) if (t.dtype().isFloat()) out.put(t.name(), new Tensor(t.shape(), sd.floats(t.name())));
    }
    return out;
  }

  static void write(Path file, Map<String, Tensor> tensors) throws Exception {
    JsonObject header = new JsonObject();
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    for (var e : tensors.entrySet()) {
      JsonObject t = new JsonObject();
      t.addProperty("dtype", "F32");
      JsonArray shape = new JsonArray();
      for (long d : e.getValue().shape()) shape.add(d);
      t.add("shape", shape);
      JsonArray offsets = new JsonArray();
      offsets.add(data.size());
      ByteBuffer b = ByteBuffer.allocate(4 * e.getValue().values().length).order(ByteOrder.LITTLE_ENDIAN);
      for (float v : e.getValue().values()) b.putFloat(v);
      data.writeBytes(b.array());
      offsets.add(data.size());
      t.add("data_offsets", offsets);
      header.add(e.getKey(), t);
    }
    byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
    out.writeBytes(h);
    out.writeBytes(data.toByteArray());
    Files.write(file, out.toByteArray());
  }
}
