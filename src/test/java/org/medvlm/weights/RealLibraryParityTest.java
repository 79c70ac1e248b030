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
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.medvlm.io.NpyFile;
import org.medvlm.model.vlm.BertEncoder;
import org.medvlm.text.TextTokenizer;

/**
 * Our loaders, tokenizers and encoders against files written, and outputs computed, by the real
 * libraries users' checkpoints come from: timm 1.0.29 (VisionTransformer, resample_abs_pos_embed),
 * safetensors 0.8.0, transformers 5.17.0 (BertModel, BertForPreTraining) and tokenizers 0.23.2,
 * on PyTorch 2.11 (tools/make_reference_fixtures_timm_hf.py, run on the project's GPU machine;
 * versions in real/versions.json). Tolerance 1e-4, token ids exact.
 */
class RealLibraryParityTest {
  static final Path DIR = Path.of("src/test/resources/encoders/real");
  private static final double TOL = 1e-4;

  private static float[] vitTokens(Path weights, String input, int size) throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      var loaded = PretrainedEncoders.vit(weights, size, m, false);
      NpyFile.Array in = NpyFile.read(DIR.resolve("vit").resolve(input));
      return loaded.encoder().tokens(new ParameterStore(m, false), m.create(in.data(), new Shape(in.shape())), false).toFloatArray();
    }
  }

  @Test
  void timmVisionTransformerFromSafetensorsAndTorchSave() throws Exception {
    float[] ref = NpyFile.read(DIR.resolve("vit/tokens.npy")).data(); // forward_features: (2, 17, 48)
    for (String file : new String[] {"model.safetensors", "pytorch_model.bin"}) {
      double d = EncoderParityTest.maxAbsDiff(vitTokens(DIR.resolve("vit").resolve(file), "input.npy", 0), ref);
      System.out.printf("timm ViT from %s: max abs difference %.2e%n", file, d);
      assertTrue(d <= TOL, file + ": max abs difference " + d);
    }
  }

  @Test
  void timmVisionTransformerAtAnotherSize() throws Exception {
    float[] ref = NpyFile.read(DIR.resolve("vit/tokens96.npy")).data(); // pos_embed resampled 4x4 -> 6x6 by timm
    double d = EncoderParityTest.maxAbsDiff(vitTokens(DIR.resolve("vit"), "input96.npy", 96), ref);
    System.out.printf("timm ViT at 96 px: max abs difference %.2e%n", d);
    assertTrue(d <= TOL, "max abs difference " + d);
  }

  @Test
  void transformersBertWithItsTokenizer() throws Exception {
    for (String name : new String[] {"bert", "bert-pretraining"}) {
      Path dir = DIR.resolve(name);
      JsonObject ref = JsonParser.parseString(Files.readString(dir.resolve("reference.json"))).getAsJsonObject();
      long[] ids = EncoderParityTest.longs(ref.getAsJsonArray("ids"));
      long[] mask = EncoderParityTest.longs(ref.getAsJsonArray("mask"));
      int len = ref.getAsJsonArray("ids").get(0).getAsJsonArray().size();
      // our tokenizer (tokenizer.json, or our WordPiece on vocab.txt) gives HuggingFace's ids
      try (TextTokenizer tok = TextTokenizer.besideWeights(dir, 128)) {
        for (int t = 0; t < 2; t++) {
          long[] theirs = Arrays.stream(Arrays.copyOfRange(ids, t * len, (t + 1) * len)).limit(Arrays.stream(Arrays.copyOfRange(mask, t * len, (t + 1) * len)).sum()).toArray();
          long[] ours = tok.encode(ref.getAsJsonArray("texts").get(t).getAsString()).ids();
          assertArrayEquals(theirs, ours, name + ": token ids of \"" + ref.getAsJsonArray("texts").get(t).getAsString() + "\"");
        }
      }
      try (NDManager m = NDManager.newBaseManager()) {
        var loaded = PretrainedEncoders.bert(dir, m, false);
        NDArray idArray = m.create(ids, new Shape(2, len));
        ParameterStore ps = new ParameterStore(m, false);
        BertEncoder.Output out = loaded.encoder().encode(ps, idArray, m.create(mask, idArray.getShape()), false);
        double states = diff(out.states().toFloatArray(), dir.resolve("states.npy"));
        double pooled = diff(out.pooled().toFloatArray(), dir.resolve("pooled_mean.npy"));
        double pooler = diff(loaded.encoder().pooler(ps, out.states(), false).toFloatArray(), dir.resolve("pooler.npy"));
        System.out.printf("transformers %s: max abs difference states %.2e, mean-pooled %.2e, pooler %.2e%n", name, states, pooled, pooler);
        assertTrue(states <= TOL && pooled <= TOL && pooler <= TOL, name + ": " + states + " " + pooled + " " + pooler);
        if (name.equals("bert-pretraining")) assertTrue(loaded.report().ignored().stream().anyMatch(k -> k.startsWith("cls.")), "pre-training heads ignored");
      }
    }
  }

  private static double diff(float[] ours, Path ref) throws Exception {
    return EncoderParityTest.maxAbsDiff(ours, NpyFile.read(ref).data());
  }
}
