package org.medvlm.weights;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.medvlm.BadInputException;

/**
 * A pretrained encoder checkpoint matched against our encoder's parameters: every checkpoint key
 * is translated to our parameter name, ignored by design (classifier heads, buffers) or
 * unexpected. Loading is strict (missing or unexpected keys and shape mismatches are errors that
 * name the key and both shapes) unless lenient, which skips and lists them. LoRA adapters are
 * never in a pretrained file: they keep their initialisation (B = 0).
 */
public abstract sealed class EncoderCheckpoint implements Closeable permits VitCheckpoint, BertCheckpoint {
  protected final StateDict weights;
  protected final JsonObject config;
  private final Map<String, String> sourceOf = new LinkedHashMap<>();
  private final List<String> ignored = new ArrayList<>();
  private final List<String> unexpected = new ArrayList<>();

  EncoderCheckpoint(StateDict weights, JsonObject config) {
    this.weights = weights;
    this.config = config;
  }

  /** Opens a ViT or BERT checkpoint (file or folder), telling which by its keys. */
  public static EncoderCheckpoint open(Path path) throws IOException {
    StateDict sd = WeightsFile.open(path);
    try {
      JsonObject config = readConfig(path, sd.file());
      if (VitCheckpoint.recognises(sd)) return new VitCheckpoint(sd, config);
      if (BertCheckpoint.recognises(sd)) return new BertCheckpoint(sd, config);
      throw new BadInputException(sd.file(), "is neither a timm ViT (no patch_embed.proj.weight) nor a BERT (no embeddings.word_embeddings.weight) checkpoint");
    } catch (IOException | RuntimeException e) {
      sd.close();
      throw e;
    }
  }

  private static JsonObject readConfig(Path path, Path file) throws IOException {
    Path c = Files.isDirectory(path) ? path.resolve("config.json") : file.resolveSibling("config.json");
    if (!Files.isRegularFile(c)) return null;
    try {
      return JsonParser.parseString(Files.readString(c)).getAsJsonObject();
    } catch (JsonParseException | IllegalStateException | java.nio.charset.MalformedInputException e) {
      throw new BadInputException(c, "is not a JSON object: " + SafetensorsReader.oneLine(e.getMessage()));
    }
  }

  /** Records where checkpoint key {@code key} goes: our parameter {@code ours}, or nowhere (null: ignored by design). */
  protected final void map(String key, String ours) {
    if (ours == null) ignored.add(key);
    else if (sourceOf.containsKey(ours)) unexpected.add(key + " (a second source for " + ours + ")");
    else sourceOf.put(ours, key);
  }

  protected final void unexpected(String key) {
    unexpected.add(key);
  }

  public Path file() {
    return weights.file();
  }

  public StateDict weights() {
    return weights;
  }

  /** "ViT" or "BERT" and the architecture, for people. */
  public abstract String describe();

  /** An encoder of the checkpoint's own architecture (at its pretrained input size), not initialised. */
  public abstract Block newEncoder();

  /** Parameters our encoder may lack in a checkpoint without harm (kept at their initialisation). */
  protected boolean optional(String ours) {
    return false;
  }

  /** The values for {@code ours} of shape {@code target}, adapting the stored tensor if this encoder knows how (else null). */
  protected float[] adapt(String ours, StoredTensor t, long[] target, List<String> notes) throws IOException {
    return null;
  }

  /** Everything that stops a strict load into {@code encoder}; empty for a clean bill. */
  public List<String> problems(Block encoder) throws IOException {
    List<String> problems = new ArrayList<>();
    match(encoder, problems, new ArrayList<>(), false);
    return problems;
  }

  /** Loads the checkpoint into an initialised encoder. */
  public LoadReport loadInto(Block encoder, boolean lenient) throws IOException {
    List<String> problems = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    int loaded = match(encoder, problems, notes, true);
    if (!problems.isEmpty() && !lenient) {
      throw new BadInputException(file(), problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + " loading it as " + describe() + ": "
          + LoadReport.abbreviate(problems) + " ({lenient} loads what fits and lists the rest)");
    }
    return new LoadReport(file(), loaded, notes, List.copyOf(ignored), problems);
  }

  private int match(Block encoder, List<String> problems, List<String> notes, boolean load) throws IOException {
    int loaded = 0;
    for (Map.Entry<String, Parameter> e : NamedParameters.of(encoder).entrySet()) {
      String ours = e.getKey();
      if (e.getValue().getName().startsWith("lora_")) continue;
      long[] target = e.getValue().getShape().getShape();
      String key = sourceOf.get(ours);
      if (key == null) {
        if (!optional(ours)) problems.add("missing key " + ours + " (model shape " + Arrays.toString(target) + ")");
        continue;
      }
      StoredTensor t = weights.get(key);
      if (!t.dtype().isFloat()) {
        problems.add("key " + key + " holds " + t.dtype() + " values, not floating point");
        continue;
      }
      float[] values = null;
      if (Arrays.equals(t.shape(), target)) {
        if (load) values = t.toFloats(file().toString());
      } else {
        values = adapt(ours, t, target, notes);
        if (values == null) {
          problems.add("key " + key + ": checkpoint shape " + Arrays.toString(t.shape()) + ", model shape " + Arrays.toString(target));
          continue;
        }
      }
      if (load) {
        org.medvlm.model.ArrayValues.overwrite(e.getValue().getArray(), values);
        loaded++;
      }
    }
    for (String u : unexpected) problems.add("unexpected key " + u + describeShape(u));
    return loaded;
  }

  private String describeShape(String key) {
    StoredTensor t = weights.get(key);
    return t == null ? "" : " (shape " + Arrays.toString(t.shape()) + ")";
  }

  /** Keys in the file that carry no weights for the encoder by design. */
  public List<String> ignored() {
    return List.copyOf(ignored);
  }

  /** Trainable values the checkpoint provides to the encoder (sum of mapped tensors' sizes). */
  public long parameterCount() {
    return sourceOf.values().stream().mapToLong(k -> weights.get(k).size()).sum();
  }

  /** The element types present, e.g. {@code f32} or {@code f16, i64}. */
  public String dtypes() {
    return String.join(", ", weights.tensors().values().stream().map(t -> t.dtype().toString()).distinct().toList());
  }

  protected final int integer(String field, int fallback) {
    return config != null && config.has(field) && config.get(field).isJsonPrimitive() ? config.get(field).getAsInt() : fallback;
  }

  @Override
  public void close() throws IOException {
    weights.close();
  }
}
