package org.medvlm.text;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.util.List;

/**
 * The {@code tokenizer.json} that HuggingFace's BertTokenizerFast builds from a {@code vocab.txt}:
 * BERT normaliser (lowercasing and accent stripping only for uncased models), BERT
 * pre-tokeniser, WordPiece with "##" continuations, and [CLS] ... [SEP] added around a prompt.
 */
final class BertTokenizerJson {
  private static final List<String> SPECIAL = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]");

  private BertTokenizerJson() {}

  static String of(List<String> vocab, boolean lowercase) {
    JsonObject ids = new JsonObject();
    for (int i = 0; i < vocab.size(); i++) {
      String token = vocab.get(i).strip();
      if (token.isEmpty()) throw new IllegalArgumentException("vocabulary line " + (i + 1) + " is empty");
      if (!ids.has(token)) ids.addProperty(token, i);
    }
    for (String s : List.of("[UNK]", "[CLS]", "[SEP]", "[PAD]")) {
      if (!ids.has(s)) throw new IllegalArgumentException("vocabulary has no " + s + " token");
    }
    JsonObject root = new JsonObject();
    root.addProperty("version", "1.0");
    root.add("truncation", JsonNull.INSTANCE);
    root.add("padding", JsonNull.INSTANCE);
    JsonArray added = new JsonArray();
    for (String s : SPECIAL) {
      if (!ids.has(s)) continue;
      JsonObject t = new JsonObject();
      t.addProperty("id", ids.get(s).getAsInt());
      t.addProperty("content", s);
      t.addProperty("single_word", false);
      t.addProperty("lstrip", false);
      t.addProperty("rstrip", false);
      t.addProperty("normalized", false);
      t.addProperty("special", true);
      added.add(t);
    }
    root.add("added_tokens", added);
    JsonObject normalizer = new JsonObject();
    normalizer.addProperty("type", "BertNormalizer");
    normalizer.addProperty("clean_text", true);
    normalizer.addProperty("handle_chinese_chars", true);
    normalizer.add("strip_accents", JsonNull.INSTANCE);
    normalizer.addProperty("lowercase", lowercase);
    root.add("normalizer", normalizer);
    JsonObject pre = new JsonObject();
    pre.addProperty("type", "BertPreTokenizer");
    root.add("pre_tokenizer", pre);
    JsonObject post = new JsonObject();
    post.addProperty("type", "TemplateProcessing");
    post.add("single", template(false));
    post.add("pair", template(true));
    JsonObject specials = new JsonObject();
    for (String s : List.of("[CLS]", "[SEP]")) {
      JsonObject t = new JsonObject();
      t.addProperty("id", s);
      JsonArray idList = new JsonArray();
      idList.add(ids.get(s).getAsInt());
      t.add("ids", idList);
      JsonArray tokens = new JsonArray();
      tokens.add(s);
      t.add("tokens", tokens);
      specials.add(s, t);
    }
    post.add("special_tokens", specials);
    root.add("post_processor", post);
    JsonObject decoder = new JsonObject();
    decoder.addProperty("type", "WordPiece");
    decoder.addProperty("prefix", "##");
    decoder.addProperty("cleanup", true);
    root.add("decoder", decoder);
    JsonObject model = new JsonObject();
    model.addProperty("type", "WordPiece");
    model.addProperty("unk_token", "[UNK]");
    model.addProperty("continuing_subword_prefix", "##");
    model.addProperty("max_input_chars_per_word", 100);
    model.add("vocab", ids);
    root.add("model", model);
    return new GsonBuilder().disableHtmlEscaping().create().toJson(root);
  }

  private static JsonArray template(boolean pair) {
    JsonArray a = new JsonArray();
    a.add(special("[CLS]", 0));
    a.add(sequence("A", 0));
    a.add(special("[SEP]", 0));
    if (pair) {
      a.add(sequence("B", 1));
      a.add(special("[SEP]", 1));
    }
    return a;
  }

  private static JsonObject special(String id, int type) {
    return piece("SpecialToken", id, type);
  }

  private static JsonObject sequence(String id, int type) {
    return piece("Sequence", id, type);
  }

  /** A post-processor template piece: {@code {kind: {id, type_id}}}. */
  private static JsonObject piece(String kind, String id, int type) {
    JsonObject inner = new JsonObject();
    inner.addProperty("id", id);
    inner.addProperty("type_id", type);
    JsonObject o = new JsonObject();
    o.add(kind, inner);
    return o;
  }
}
