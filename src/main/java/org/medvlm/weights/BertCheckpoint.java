package org.medvlm.weights;

import ai.djl.nn.Block;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.medvlm.BadInputException;
import org.medvlm.model.vlm.BertConfig;
import org.medvlm.model.vlm.BertEncoder;
import org.medvlm.model.vlm.LoraConfig;

/**
 * A HuggingFace BERT checkpoint: BioBERT ({@code bert.}-prefixed keys, LayerNorm parameters
 * named {@code gamma}/{@code beta} in older files, pre-training heads {@code cls.*} ignored) or
 * a bare BertModel such as all-MiniLM-L6-v2. The architecture comes from {@code config.json}
 * when present, else from the shapes (heads then assumed from known models or 64 wide). The
 * pooler is optional: Med-VLM pools by averaging the token states.
 */
public final class BertCheckpoint extends EncoderCheckpoint {
  private static final Pattern LAYER = Pattern.compile("encoder\\.layer\\.(\\d+)\\.(.+)\\.(weight|bias)");
  private final BertConfig architecture;
  private final String source;

  static boolean recognises(StateDict sd) {
    return sd.names().stream().anyMatch(k -> normalise(k).equals("embeddings.word_embeddings.weight"));
  }

  /** The key without {@code module.}/{@code bert.} prefixes and with gamma/beta renamed. */
  static String normalise(String key) {
    String k = key;
    for (String p : new String[] {"module.", "bert."}) if (k.startsWith(p)) k = k.substring(p.length());
    if (k.endsWith("LayerNorm.gamma")) k = k.substring(0, k.length() - 5) + "weight";
    if (k.endsWith("LayerNorm.beta")) k = k.substring(0, k.length() - 4) + "bias";
    return k;
  }

  BertCheckpoint(StateDict sd, JsonObject config) throws IOException {
    super(sd, config);
    String wordKey = null;
    for (String key : sd.names()) {
      String k = normalise(key);
      String ours = ours(k);
      if (k.equals("embeddings.word_embeddings.weight")) wordKey = key;
      if (ours != null) map(key, ours);
      else if (k.startsWith("cls.") || k.equals("embeddings.position_ids")) map(key, null); // pre-training heads, a buffer
      else unexpected(key);
    }
    long[] words = sd.get(wordKey).shape();
    if (words.length != 2) throw new BadInputException(file(), "embeddings.word_embeddings.weight has shape " + Arrays.toString(words) + ", not (vocabulary, width)");
    int hidden = (int) words[1];
    int layers = 0;
    for (String key : sd.names()) {
      Matcher m = LAYER.matcher(normalise(key));
      if (m.matches()) layers = Math.max(layers, Integer.parseInt(m.group(1)) + 1);
    }
    long[] positions = shapeOf("embeddings.position_embeddings.weight");
    long[] types = shapeOf("embeddings.token_type_embeddings.weight");
    long[] inter = layers > 0 ? shapeOf("encoder.layer.0.intermediate.dense.weight") : new long[] {0};
    if (config != null) {
      checkConfig("hidden_act", "gelu");
      checkConfig("position_embedding_type", "absolute");
      if (config.has("layer_norm_eps") && Math.abs(config.get("layer_norm_eps").getAsDouble() - BertConfig.EPS) > 1e-15) {
        throw new BadInputException(file(), "config.json has layer_norm_eps " + config.get("layer_norm_eps") + "; BERT encoders here use 1e-12");
      }
      checkConfigMatches("hidden_size", hidden);
      checkConfigMatches("num_hidden_layers", layers);
      checkConfigMatches("vocab_size", (int) words[0]);
    }
    int heads = integer("num_attention_heads", hidden == 384 && layers == 6 ? 12 : hidden % 64 == 0 ? hidden / 64 : -1);
    if (heads <= 0) throw new BadInputException(file(), "cannot tell the number of attention heads of width " + hidden + ": put its config.json beside it");
    source = config != null && config.has("num_attention_heads") ? "config.json" : "assumed";
    try {
      architecture = new BertConfig((int) words[0], hidden, layers, heads, (int) inter[0], (int) positions[0], (int) types[0]);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(file(), e.getMessage());
    }
  }

  private void checkConfig(String field, String expected) throws BadInputException {
    if (config.has(field) && !config.get(field).getAsString().equals(expected)) {
      throw new BadInputException(file(), "config.json has " + field + " " + config.get(field) + "; only " + expected + " is supported");
    }
  }

  private void checkConfigMatches(String field, int actual) throws BadInputException {
    if (config.has(field) && config.get(field).getAsInt() != actual) {
      throw new BadInputException(file(), "config.json says " + field + " " + config.get(field).getAsInt() + " but the weights have " + actual);
    }
  }

  private long[] shapeOf(String normalisedKey) throws BadInputException {
    for (String key : weights.names()) if (normalise(key).equals(normalisedKey)) return weights.get(key).shape();
    throw new BadInputException(file(), "has no " + normalisedKey + ": not a complete BERT");
  }

  /** Our parameter name for a normalised HuggingFace key, or null. */
  static String ours(String k) {
    if (k.matches("embeddings\\.(word_embeddings|position_embeddings|token_type_embeddings)\\.weight|embeddings\\.LayerNorm\\.(weight|bias)|pooler\\.dense\\.(weight|bias)")) return k;
    Matcher m = LAYER.matcher(k);
    if (!m.matches()) return null;
    String part = switch (m.group(2)) {
      case "attention.self.query" -> "attention.query";
      case "attention.self.key" -> "attention.key";
      case "attention.self.value" -> "attention.value";
      case "attention.output.dense" -> "attention.dense";
      case "attention.output.LayerNorm" -> "attention_norm";
      case "intermediate.dense" -> "intermediate";
      case "output.dense" -> "output";
      case "output.LayerNorm" -> "output_norm";
      default -> null;
    };
    return part == null ? null : "layer." + m.group(1) + "." + part + "." + m.group(3);
  }

  public BertConfig architecture() {
    return architecture;
  }

  @Override
  public String describe() {
    BertConfig a = architecture;
    return String.format("BERT: width %d, %d layers, %d heads (%s), MLP %d, vocabulary %d, %d positions", a.hidden(), a.layers(), a.heads(), source,
        a.intermediate(), a.vocabSize(), a.maxPositions());
  }

  @Override
  public Block newEncoder() {
    return new BertEncoder(architecture, LoraConfig.none());
  }

  @Override
  protected boolean optional(String ours) {
    return ours.startsWith("pooler.");
  }

  /** Fails unless the checkpoint is the text encoder a variant expects (any vocabulary). */
  public void checkFits(String variant, BertConfig expected) throws BadInputException {
    BertConfig a = architecture;
    if (a.hidden() != expected.hidden() || a.layers() != expected.layers() || a.heads() != expected.heads() || a.intermediate() != expected.intermediate()) {
      throw new BadInputException(file(), String.format("is a BERT of width %d with %d layers and %d heads; %s needs width %d, %d layers and %d heads (%s)",
          a.hidden(), a.layers(), a.heads(), variant, expected.hidden(), expected.layers(), expected.heads(), expectedName(expected)));
    }
  }

  private static String expectedName(BertConfig c) {
    if (c.hidden() == 768 && c.layers() == 12) return "BioBERT base cased v1.1";
    if (c.hidden() == 384 && c.layers() == 6) return "all-MiniLM-L6-v2";
    return "a test configuration";
  }
}
