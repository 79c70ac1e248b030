package org.medvlm.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import net.imglib2.type.numeric.integer.IntType;
import org.medvlm.BadInputException;
import org.medvlm.data.Organ;
import org.medvlm.data.PromptLibrary;
import org.medvlm.model.vlm.BertEncoder;
import org.medvlm.model.vlm.MaskDecoder;
import org.medvlm.model.vlm.MedVlm;
import org.medvlm.model.vlm.MedVlmConfig;
import org.medvlm.preprocess.LabelFusion;
import org.medvlm.preprocess.PreparedVolume;
import org.medvlm.text.TextTokenizer;
import org.medvlm.volume.Volume;

/**
 * Med-VLM as a {@link SegmentationModel}. Prediction encodes each slice once, each organ's
 * canonical prompt once, decodes every (slice, organ) pair and fuses them into one BTCV label map:
 * a pixel takes the organ of highest probability above 0.5 among the organs whose presence score
 * is above 0.5. Free-text prompts ({@link #probabilities}) go the same way.
 */
public final class MedVlmPredictor implements SegmentationModel {
  private final MedVlm model;
  private final List<Organ> organs;
  private final TextTokenizer tokenizer;
  private final PromptLibrary prompts;
  private final Map<String, long[]> tokenCache = new HashMap<>();
  /**
   * Inference decodes (slice, prompt) pairs in chunks of this budget over the image width: 16 pairs
   * for Small (width 192), 4 for Large (768). Bounds the per-pair memory; for Large 4 rather than
   * 16 pairs also ran faster (334 s against 380 s per 200-slice volume; peak RSS 7.2 against 9.3 GB).
   */
  static final int PAIR_WIDTH_BUDGET = 16 * 192;
  private Consumer<String> warnings = m -> {};

  /**
   * @param prompts the phrasings of each organ; its {@link PromptLibrary#canonical} one is the
   *     organ's prompt at inference
   * @throws IllegalArgumentException when the tokenizer does not fit the text encoder
   */
  public MedVlmPredictor(MedVlmConfig config, List<Organ> organs, TextTokenizer tokenizer, PromptLibrary prompts) {
    if (tokenizer.vocabularySize() > config.bert().vocabSize()) {
      throw new IllegalArgumentException("the tokenizer has " + tokenizer.vocabularySize() + " tokens, the text encoder " + config.bert().vocabSize());
    }
    if (tokenizer.maxLength() > config.bert().maxPositions()) {
      throw new IllegalArgumentException("the tokenizer's maximum " + tokenizer.maxLength() + " exceeds the text encoder's " + config.bert().maxPositions() + " positions");
    }
    this.model = new MedVlm(config);
    this.organs = List.copyOf(organs);
    this.tokenizer = tokenizer;
    this.prompts = prompts;
  }

  /** Rebuilds the model from {@link #describe()} (training settings stored beside it are ignored). */
  public static MedVlmPredictor from(JsonObject d, List<Organ> organs) throws java.io.IOException {
    MedVlmConfig config = MedVlmConfig.fromJson(d.getAsJsonObject("config"));
    TextTokenizer tok = TextTokenizer.fromJson(d.get("tokenizer").getAsString(), d.get("max_tokens").getAsInt());
    Map<Organ, List<String>> canonical = new LinkedHashMap<>();
    for (var e : d.getAsJsonObject("prompts").entrySet()) {
      canonical.put(Organ.ofId(Integer.parseInt(e.getKey())), List.of(e.getValue().getAsString()));
    }
    return new MedVlmPredictor(config, organs, tok, PromptLibrary.of(canonical));
  }

  @Override
  public List<Organ> organs() {
    return organs;
  }

  /** The phrasings of each organ the model was built with. */
  public PromptLibrary prompts() {
    return prompts;
  }

  /** Where warnings (such as truncated prompts) go. */
  public void onWarning(Consumer<String> sink) {
    warnings = sink;
  }

  @Override
  public String modelType() {
    return model.config().variant();
  }

  @Override
  public MedVlm block() {
    return model;
  }

  @Override
  public Shape inputShape(int batch) {
    int s = model.config().vit().imageSize();
    return new Shape(batch, model.config().channels(), s, s);
  }

  @Override
  public JsonObject describe() {
    JsonObject o = new JsonObject();
    o.add("config", model.config().toJson());
    o.addProperty("tokenizer", tokenizer.json());
    o.addProperty("max_tokens", tokenizer.maxLength());
    JsonObject canonical = new JsonObject();
    for (Organ organ : organs) canonical.addProperty(Integer.toString(organ.id()), prompts.canonical(organ));
    o.add("prompts", canonical);
    return o;
  }

  /** Encoded prompts: token states, pooled vectors and the padding mask. */
  public record Text(BertEncoder.Output output, NDArray mask) {}

  /** The text encoder's output for {@code texts}, padded to the longest. */
  public Text encodeText(NDManager m, ParameterStore ps, List<String> texts, boolean training) {
    List<long[]> ids = new ArrayList<>();
    int len = 0;
    for (String t : texts) {
      long[] e = tokens(t);
      ids.add(e);
      len = Math.max(len, e.length);
    }
    long[] flat = new long[texts.size() * len];
    float[] mask = new float[texts.size() * len];
    for (int i = 0; i < ids.size(); i++) {
      long[] e = ids.get(i);
      System.arraycopy(e, 0, flat, i * len, e.length);
      for (int k = 0; k < e.length; k++) mask[i * len + k] = 1;
    }
    NDArray idArray = m.create(flat, new Shape(texts.size(), len));
    NDArray maskArray = m.create(mask, new Shape(texts.size(), len));
    return new Text(model.encodeText(ps, idArray, maskArray, training), maskArray);
  }

  private long[] tokens(String prompt) {
    return tokenCache.computeIfAbsent(prompt, p -> {
      try {
        TextTokenizer.Encoded e = tokenizer.encode(p);
        if (e.truncated()) warnings.accept("prompt truncated to the text encoder's " + tokenizer.maxLength() + " tokens: \"" + p + "\"");
        return e.ids();
      } catch (BadInputException ex) {
        throw new IllegalArgumentException(ex.getMessage(), ex);
      }
    });
  }

  /** Checks a user's prompt (empty, too long) before a run; returns the warnings it raises. */
  public List<String> checkPrompt(String prompt) throws BadInputException {
    TextTokenizer.Encoded e = tokenizer.encode(prompt);
    return e.truncated() ? List.of("prompt truncated to the text encoder's " + tokenizer.maxLength() + " tokens") : List.of();
  }

  /** The prompt used for an organ at inference (the first phrasing of the training library). */
  public String promptFor(Organ organ) {
    return prompts.canonical(organ);
  }

  @Override
  public Volume<IntType> predict(NDManager manager, ParameterStore ps, PreparedVolume v, int batchSize, List<Organ> requested, SliceProgress progress) {
    for (Organ o : requested) if (!organs.contains(o)) throw new IllegalArgumentException("the model was not trained for " + o.key());
    Fusion fusion = new Fusion(v, requested);
    decodeVolume(manager, ps, v, requested.stream().map(prompts::canonical).toList(), null, batchSize, fusion, progress);
    return fusion.onOriginal.toOriginal();
  }

  /**
   * What validation adds to decoding: the loss of a chunk of one slice's pairs (the masks and
   * presence scores of {@code organs}, in order) against the slice's labels, the mean over its pairs.
   */
  @FunctionalInterface
  public interface ChunkLoss {
    double of(NDManager chunk, MaskDecoder.Output out, int[] labels, List<Organ> organs);
  }

  /**
   * The prediction of all the model's organs and, from the same forward passes, the loss
   * {@code loss} gives (validation decodes every pair: the loss needs all masks).
   */
  public Prediction validate(NDManager manager, ParameterStore ps, PreparedVolume v, int batchSize, ChunkLoss loss) {
    Fusion fusion = new Fusion(v, organs);
    Decoded d = decodeVolume(manager, ps, v, organs.stream().map(prompts::canonical).toList(), loss, batchSize, fusion, SliceProgress.NONE);
    return new Prediction(fusion.labels, fusion.onOriginal.toOriginal(), d.lossSum(), d.batches());
  }

  /** Where decoded probability maps go: the map of prompt {@code k} on slice {@code z} is {@code p[from, from + S^2)}. */
  private interface Sink {
    void accept(int k, int z, float[] p, int from);
  }

  /**
   * One BTCV label map fused from the organs' maps as they are decoded (a pixel takes the most
   * probable organ above 0.5; the first on ties), so the volume's 13 maps are never all held:
   * on the model's grid, and on the original grid from the resized-back maps.
   */
  private static final class Fusion implements Sink {
    private final float[] best;
    private final int[] labels;
    private final LabelFusion onOriginal;
    private final int[] ids;
    private final int s2;

    Fusion(PreparedVolume v, List<Organ> organs) {
      s2 = v.size() * v.size();
      best = new float[v.depth() * s2];
      Arrays.fill(best, 0.5f);
      labels = new int[best.length];
      onOriginal = LabelFusion.ofProbabilities(v.mapping());
      ids = organs.stream().mapToInt(Organ::id).toArray();
    }

    @Override
    public void accept(int k, int z, float[] p, int from) {
      onOriginal.add(ids[k], z, p, from);
      int base = z * s2;
      for (int i = 0; i < s2; i++) {
        float q = p[from + i];
        if (q > best[base + i]) {
          best[base + i] = q;
          labels[base + i] = ids[k];
        }
      }
    }
  }

  private NDArray slices(NDManager m, PreparedVolume v, int z0, int n) {
    int c = v.contextSlices();
    int s2 = v.size() * v.size();
    float[] x = new float[n * c * s2];
    for (int k = 0; k < n; k++) System.arraycopy(v.input(z0 + k), 0, x, k * c * s2, c * s2);
    return m.create(x, new Shape(n, c, v.size(), v.size()));
  }

  /**
   * Per-prompt probability maps {@code [prompt][slice * S^2 + pixel]} for a prepared volume: the
   * image encoder runs once per batch of slices, each prompt is encoded once; a prompt's map is 0
   * on slices where its presence score is below 0.5.
   */
  public float[][] probabilities(NDManager manager, ParameterStore ps, PreparedVolume v, List<String> texts, int batchSize, SliceProgress progress) {
    int s2 = v.size() * v.size();
    float[][] out = new float[texts.size()][v.depth() * s2];
    decodeVolume(manager, ps, v, texts, null, batchSize, (k, z, p, from) -> System.arraycopy(p, from, out[k], z * s2, s2), progress);
    return out;
  }

  /** The validation loss when decoding was asked for one. */
  private record Decoded(double lossSum, int batches) {}

  /**
   * Mask probabilities of attended pairs of one slice, one S^2 map after the other: a pair whose
   * presence score is below 0.5 gets an empty map without running the upsampling at all (the
   * most expensive part of decoding, and most organs are absent from most slices).
   */
  private float[] presentMasks(NDManager chunk, ParameterStore ps, MaskDecoder.Attended a, List<NDArray> details, int s2) {
    boolean[] present = Activation.sigmoid(a.presence()).gte(0.5f).toBooleanArray();
    long[] keep = IntStream.range(0, present.length).filter(j -> present[j]).asLongStream().toArray();
    float[] p = new float[present.length * s2];
    if (keep.length == 0) return p;
    MaskDecoder.Attended kept = keep.length == present.length ? a : a.select(chunk.create(keep));
    float[] maps = Activation.sigmoid(model.masks(ps, kept, details, false)).toFloatArray();
    for (int k = 0; k < keep.length; k++) System.arraycopy(maps, k * s2, p, (int) keep[k] * s2, s2);
    return p;
  }

  /** A validated chunk: its loss (mean over its pairs) and its maps, zero where the presence score says absent. */
  private record Validated(double loss, float[] maps) {}

  private Validated validateChunk(NDManager chunk, ParameterStore ps, MaskDecoder.Attended a, List<NDArray> details, int[] labels, List<Organ> chunkOrgans,
      ChunkLoss loss) {
    MaskDecoder.Output o = new MaskDecoder.Output(model.masks(ps, a, details, false), a.presence());
    double l = loss.of(chunk, o, labels, chunkOrgans);
    NDArray present = Activation.sigmoid(o.presence()).gte(0.5f).toType(o.masks().getDataType(), false);
    return new Validated(l, Activation.sigmoid(o.masks()).mul(present.reshape(-1, 1, 1)).toFloatArray());
  }

  /**
   * Decodes every (slice, prompt) pair of a volume into {@code sink}, in slice order and, per
   * slice, prompt order. The image encoder runs per batch of slices; the mixer and decoder per
   * slice, on its prompts in chunks of at most {@link #PAIR_WIDTH_BUDGET} / image width pairs,
   * each chunk in a manager of its own (its full-resolution maps are freed with it). The slice's
   * detail maps are broadcast over its prompts rather than copied per pair. With {@code loss} the
   * prompts are those of the model's organs, and every pair is decoded for the loss.
   */
  private Decoded decodeVolume(NDManager manager, ParameterStore ps, PreparedVolume v, List<String> texts, ChunkLoss loss, int batchSize, Sink sink,
      SliceProgress progress) {
    int s2 = v.size() * v.size();
    int prompts = texts.size();
    int chunks = (prompts + maxPairsPerChunk() - 1) / maxPairsPerChunk(); // even chunks: 13 prompts at most 4 a chunk -> 4 + 3 + 3 + 3
    double lossSum = 0;
    int batches = 0;
    try (NDManager shared = manager.newSubManager()) {
      Text text = encodeText(shared, ps, texts, false);
      for (int z0 = 0; z0 < v.depth(); z0 += batchSize) {
        int n = Math.min(batchSize, v.depth() - z0);
        try (NDManager step = shared.newSubManager()) {
          MedVlm.ImageFeatures features = model.encodeImages(ps, slices(step, v, z0, n), false);
          double batchLoss = 0;
          for (int j = 0; j < n; j++) {
            int z = z0 + j;
            for (int c = 0; c < chunks; c++) {
              int k0 = c * prompts / chunks;
              int m = (c + 1) * prompts / chunks - k0;
              try (NDManager chunk = step.newSubManager()) {
                long[] imageIndex = new long[m];
                long[] textIndex = new long[m];
                for (int i = 0; i < m; i++) {
                  imageIndex[i] = j;
                  textIndex[i] = k0 + i;
                }
                List<NDArray> details = features.detailsOf(j);
                details.forEach(d -> d.attach(chunk));
                MaskDecoder.Attended a = model.attend(ps, features, chunk.create(imageIndex), text.output(), text.mask(), chunk.create(textIndex), false);
                float[] p;
                if (loss != null) {
                  Validated r = validateChunk(chunk, ps, a, details, v.labelSlice(z), organs.subList(k0, k0 + m), loss);
                  batchLoss += r.loss() * m / (n * prompts); // the batch's mean over its pairs
                  p = r.maps();
                } else {
                  p = presentMasks(chunk, ps, a, details, s2);
                }
                for (int i = 0; i < m; i++) sink.accept(k0 + i, z, p, i * s2);
              }
            }
          }
          if (loss != null) {
            lossSum += batchLoss;
            batches++;
          }
        }
        progress.slicesDone(z0 + n, v.depth());
      }
    }
    return new Decoded(lossSum, batches);
  }

  /** How many (slice, prompt) pairs the mixer and decoder take at a time at inference. */
  private int maxPairsPerChunk() {
    return Math.max(1, PAIR_WIDTH_BUDGET / model.config().vit().dim());
  }
}
