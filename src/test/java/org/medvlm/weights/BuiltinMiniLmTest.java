package org.medvlm.weights;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.medvlm.text.TextTokenizer;

/**
 * The bundled all-MiniLM-L6-v2 (Maven Central's ONNX export, read by our ONNX reader, run by our
 * BERT) reproduces the model card: cosine similarities 0.6660, 0.1046, 0.1411 of its example
 * sentences after mean pooling; its tokenizer gives the ids of the tokenizer file's own vocabulary.
 */
class BuiltinMiniLmTest {
  @Test
  void reproducesTheModelCardsSimilarities() throws Exception {
    Path dir = BuiltinEncoders.folder(BuiltinEncoders.MINILM);
    String[] sentences = {"The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."};
    float[][] v = new float[3][];
    try (NDManager m = NDManager.newBaseManager(); TextTokenizer tok = TextTokenizer.besideWeights(dir, 512)) {
      var loaded = PretrainedEncoders.bert(dir, m, false);
      assertTrue(loaded.report().summary().contains("loaded"), loaded.report().summary());
      for (int i = 0; i < 3; i++) {
        long[] ids = tok.encode(sentences[i]).ids();
        NDArray idArray = m.create(ids, new Shape(1, ids.length));
        NDArray states = loaded.encoder().encode(new ParameterStore(m, false), idArray, m.ones(idArray.getShape(), ai.djl.ndarray.types.DataType.INT64), false).states();
        NDArray mean = states.mean(new int[] {1}).squeeze(0);
        v[i] = mean.div(mean.norm()).toFloatArray();
      }
    }
    assertEquals(0.6660, dot(v[0], v[1]), 1e-3);
    assertEquals(0.1046, dot(v[0], v[2]), 1e-3);
    assertEquals(0.1411, dot(v[1], v[2]), 1e-3);
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }

  @Test
  void tokenIdsAreTheVocabularysOwn() throws Exception {
    Path dir = BuiltinEncoders.folder(BuiltinEncoders.MINILM);
    JsonObject vocab = JsonParser.parseString(Files.readString(dir.resolve("tokenizer.json"))).getAsJsonObject().getAsJsonObject("model").getAsJsonObject("vocab");
    assertEquals(30522, vocab.size());
    Map<Long, String> byId = new HashMap<>();
    for (var e : vocab.entrySet()) byId.put(e.getValue().getAsLong(), e.getKey());
    List<String> sentences = List.of("The spleen lies in the left upper quadrant, below the diaphragm.",
        "Hepatic steatosis and a hypodense lesion in segment VII of the liver.",
        "The left adrenal gland is anteromedial to the upper pole of the kidney.",
        "Portal-venous phase CT: pancreas, gallbladder and the inferior vena cava.");
    try (TextTokenizer tok = TextTokenizer.besideWeights(dir, 512)) {
      for (String s : sentences) {
        long[] ids = tok.encode(s).ids();
        assertEquals("[CLS]", byId.get(ids[0]), s);
        assertEquals("[SEP]", byId.get(ids[ids.length - 1]), s);
        StringBuilder joined = new StringBuilder();
        for (int i = 1; i < ids.length - 1; i++) {
          String piece = byId.get(ids[i]);
          assertNotNull(piece, "id " + ids[i] + " is in the vocabulary");
          assertNotEquals("[UNK]", piece, s);
          joined.append(piece.startsWith("##") ? piece.substring(2) : piece);
        }
        assertEquals(s.toLowerCase(Locale.ROOT).replace(" ", ""), joined.toString(), "the pieces spell the lower-cased sentence");
      }
    }
  }
}
