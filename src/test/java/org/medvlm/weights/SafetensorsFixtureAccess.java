package org.medvlm.weights;

import java.nio.file.Path;
import java.util.Map;

/** {@link SafetensorsFixture} for tests in other packages. */
public final class SafetensorsFixtureAccess {
  private SafetensorsFixtureAccess() {}

  public static Map<String, Object> read(Path path) throws Exception {
    return new java.util.LinkedHashMap<>(SafetensorsFixture.read(path));
  }

  @SuppressWarnings("unchecked")
  public static void write(Path file, Map<String, Object> tensors) throws Exception {
    Map<String, SafetensorsFixture.Tensor> t = new java.util.LinkedHashMap<>();
    for (var e : tensors.entrySet()) t.put(e.getKey(), (SafetensorsFixture.Tensor) e.getValue());
    SafetensorsFixture.write(file, t);
  }
}
