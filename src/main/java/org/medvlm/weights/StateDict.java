package org.medvlm.weights;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.medvlm.BadInputException;

/**
 * The tensors of one checkpoint file by name, in file order, read lazily from the file it keeps
 * open (close it when done). Opened by {@link WeightsFile#open}.
 */
public final class StateDict implements Closeable {
  private final Path file;
  private final String format;
  private final Map<String, StoredTensor> tensors;
  private final Map<String, String> metadata;
  private final Closeable resource;

  StateDict(Path file, String format, Map<String, StoredTensor> tensors, Map<String, String> metadata, Closeable resource) {
    this.file = file;
    this.format = format;
    this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    this.resource = resource;
  }

  public Path file() {
    return file;
  }

  /** "safetensors" or "pytorch". */
  public String format() {
    return format;
  }

  public Set<String> names() {
    return tensors.keySet();
  }

  public Map<String, StoredTensor> tensors() {
    return tensors;
  }

  /** The safetensors {@code __metadata__} (empty for PyTorch files). */
  public Map<String, String> metadata() {
    return metadata;
  }

  public StoredTensor get(String name) {
    return tensors.get(name);
  }

  /** The tensor's values as float, or a {@link BadInputException} naming the file when it is absent. */
  public float[] floats(String name) throws IOException {
    StoredTensor t = tensors.get(name);
    if (t == null) throw new BadInputException(file, "has no tensor " + name);
    return t.toFloats(file.toString());
  }


  @Override
  public void close() throws IOException {
    resource.close();
  }
}
