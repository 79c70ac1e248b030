package org.medvlm.model.vlm;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Locale;

/**
 * A Med-VLM variant: its encoders, LoRA, mixer and decoder sizes, and the input channels (1, or
 * 3 neighbouring slices). Our choices where the study left room are explained in docs/medvlm.md.
 */
public record MedVlmConfig(String variant, VitConfig vit, BertConfig bert, LoraConfig lora, int mixerDepth, int mixerHeads,
    int mixerMlpRatio, DecoderConfig decoder, int channels) {
  public static final String LARGE = "medvlm-large";
  public static final String SMALL = "medvlm-small";
  public static final String TINY = "medvlm-tiny";
  public static final List<String> VARIANTS = List.of(LARGE, SMALL, TINY);
  private static final Gson GSON = new Gson();

  public MedVlmConfig {
    if (channels != 1 && channels != 3) throw new IllegalArgumentException("Med-VLM takes 1 or 3 slices (2.5D), not " + channels);
  }

  /**
   * A named variant at a given input size (224 as the study; smaller sizes interpolate the
   * position embeddings) with the text vocabulary size of its tokenizer.
   */
  public static MedVlmConfig named(String variant, int imageSize, int vocabSize, int channels) {
    return switch (variant.toLowerCase(Locale.ROOT)) {
      case LARGE -> new MedVlmConfig(LARGE, VitConfig.base(imageSize), BertConfig.bioBertBase().withVocabSize(vocabSize),
          new LoraConfig(16, 16, 0.1f, true, true), 5, 12, 4, new DecoderConfig(256, 2, 8, 2048, new int[] {2, 4}), channels);
      case SMALL -> new MedVlmConfig(SMALL, VitConfig.tiny(imageSize), BertConfig.miniLmL6().withVocabSize(vocabSize),
          new LoraConfig(8, 8, 0.1f, true, true), 2, 6, 4, new DecoderConfig(128, 2, 8, 1024, new int[] {2, 4}), channels);
      case TINY -> new MedVlmConfig(TINY, new VitConfig(imageSize, 16, 48, 2, 3, 2), new BertConfig(vocabSize, 32, 2, 2, 64, 128, 2),
          new LoraConfig(4, 4, 0f, true, true), 1, 4, 2, new DecoderConfig(32, 1, 4, 64, new int[] {2}), channels);
      default -> throw new IllegalArgumentException("unknown Med-VLM variant '" + variant + "' (available: " + String.join(", ", VARIANTS) + ")");
    };
  }

  /** The vocabulary size a named variant's pretrained text encoder has. */
  public static int pretrainedVocabSize(String variant) {
    return switch (variant) {
      case LARGE -> BertConfig.bioBertBase().vocabSize();
      case SMALL -> BertConfig.miniLmL6().vocabSize();
      default -> 0;
    };
  }

  public JsonObject toJson() {
    return GSON.toJsonTree(this).getAsJsonObject();
  }

  public static MedVlmConfig fromJson(JsonObject o) {
    return GSON.fromJson(o, MedVlmConfig.class);
  }
}
