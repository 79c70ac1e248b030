package org.medvlm.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.medvlm.BadInputException;

/**
 * Turns prompts into BERT token ids through DJL's HuggingFace tokenizers, from a
 * {@code tokenizer.json} or from a WordPiece vocabulary ({@code vocab.txt}, or one built from
 * our prompts). The tokenizer's JSON is kept so a checkpoint can carry it; prompts longer than
 * the text encoder's maximum are truncated (keeping [CLS] ... [SEP]) and say so.
 */
public final class TextTokenizer implements AutoCloseable {
  private final HuggingFaceTokenizer tokenizer;
  private final String json;
  private final int maxLength;
  private final int vocabularySize;

  /** Token ids of one prompt; {@code truncated} when it was longer than the maximum. */
  public record Encoded(long[] ids, boolean truncated) {}

  private TextTokenizer(String json, int maxLength) throws IOException {
    this.json = json;
    this.maxLength = maxLength;
    var model = JsonParser.parseString(json).getAsJsonObject().getAsJsonObject("model");
    vocabularySize = model == null || !model.has("vocab") ? 0 : model.getAsJsonObject("vocab").size();
    Map<String, String> options = Map.of("truncation", "true", "maxLength", Integer.toString(maxLength), "padding", "false");
    tokenizer = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), options);
  }

  /** A tokenizer from the JSON of a {@code tokenizer.json} file. */
  public static TextTokenizer fromJson(String json, int maxLength) throws IOException {
    return new TextTokenizer(json, maxLength);
  }

  /** A BERT WordPiece tokenizer over {@code vocab} (line i = id i); cased models keep case. */
  public static TextTokenizer fromVocabulary(List<String> vocab, boolean lowercase, int maxLength) throws IOException {
    return new TextTokenizer(BertTokenizerJson.of(vocab, lowercase), maxLength);
  }

  /**
   * Opens a tokenizer: a {@code tokenizer.json} file, a {@code vocab.txt} file, or a folder
   * holding one of them ({@code tokenizer.json} preferred). A bare vocabulary is cased unless
   * the folder's {@code tokenizer_config.json} says {@code do_lower_case: true}.
   */
  public static TextTokenizer open(Path path, int maxLength) throws IOException {
    Path file = path;
    if (Files.isDirectory(path)) {
      file = Files.exists(path.resolve("tokenizer.json")) ? path.resolve("tokenizer.json") : path.resolve("vocab.txt");
    }
    if (!Files.isRegularFile(file)) throw new BadInputException(path, "no tokenizer.json or vocab.txt");
    try {
      if (file.getFileName().toString().endsWith(".json")) return fromJson(Files.readString(file), maxLength);
      List<String> vocab = Files.readAllLines(file, StandardCharsets.UTF_8);
      while (!vocab.isEmpty() && vocab.get(vocab.size() - 1).isEmpty()) vocab.remove(vocab.size() - 1);
      return fromVocabulary(vocab, lowercaseFromConfig(file.resolveSibling("tokenizer_config.json")), maxLength);
    } catch (IllegalArgumentException | IllegalStateException | com.google.gson.JsonParseException e) {
      throw new BadInputException(file, "not a usable tokenizer: " + e.getMessage());
    }
  }

  /** The tokenizer that came with a text encoder: in its folder, or beside its weights file. */
  public static TextTokenizer besideWeights(Path weights, int maxLength) throws IOException {
    return open(Files.isDirectory(weights) ? weights : weights.toAbsolutePath().getParent(), maxLength);
  }

  private static boolean lowercaseFromConfig(Path config) throws IOException {
    if (!Files.isRegularFile(config)) return false;
    var o = JsonParser.parseString(Files.readString(config)).getAsJsonObject();
    return o.has("do_lower_case") && o.get("do_lower_case").getAsBoolean();
  }

  public Encoded encode(String prompt) throws BadInputException {
    if (prompt == null || prompt.isBlank()) throw new BadInputException("{prompt}", "the text is empty");
    Encoding e = tokenizer.encode(prompt);
    return new Encoded(e.getIds(), e.exceedMaxLength());
  }

  public int maxLength() {
    return maxLength;
  }

  /** Entries in the WordPiece vocabulary (0 when the JSON holds another model type). */
  public int vocabularySize() {
    return vocabularySize;
  }

  public String json() {
    return json;
  }

  @Override
  public void close() {
    tokenizer.close();
  }

}
