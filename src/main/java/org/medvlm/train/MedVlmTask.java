package org.medvlm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import net.imglib2.type.numeric.integer.IntType;
import org.medvlm.BadInputException;
import org.medvlm.data.Organ;
import org.medvlm.data.PromptLibrary;
import org.medvlm.model.vlm.BertEncoder;
import org.medvlm.model.vlm.MaskDecoder;
import org.medvlm.model.vlm.MedVlm;
import org.medvlm.model.vlm.MedVlmConfig;
import org.medvlm.preprocess.Augmenter;
import org.medvlm.preprocess.LabelFusion;
import org.medvlm.preprocess.PreparedVolume;
import org.medvlm.text.TextTokenizer;
import org.medvlm.volume.Volume;
import org.medvlm.weights.BertCheckpoint;
import org.medvlm.weights.EncoderCheckpoint;
import org.medvlm.weights.VitCheckpoint;

/**
 * Med-VLM as a {@link SegmentationTask}. Training pairs every slice with each organ present in
 * it (its binary mask) and with a seeded share of the absent organs (an empty mask), each with a
 * phrasing drawn from the prompt library; the loss is BCE + soft Dice on the masks plus BCE on
 * the presence score. Prediction encodes each slice once, each organ's canonical prompt once,
 * decodes every (slice, organ) pair and fuses them into one BTCV label map: a pixel takes the
 * organ of highest probability above 0.5 among the organs whose presence score is above 0.5.
 */
public final class MedVlmTask implements SegmentationTask {
  private final MedVlm model;
  private final List<Organ> organs;
  private final TextTokenizer tokenizer;
  private final PromptLibrary prompts;
  private final float absentShare;
  private final boolean trainEncoders;
  private final Map<String, long[]> tokenCache = new HashMap<>();
  /**
   * Inference decodes (slice, prompt) pairs in chunks of this budget over the image width: 16 pairs
   * for Small (width 192), 4 for Large (768). Bounds the per-pair memory; for Large 4 rather than
   * 16 pairs also ran faster (334 s against 380 s per 200-slice volume; peak RSS 7.2 against 9.3 GB).
   */
  static final int PAIR_WIDTH_BUDGET = 16 * 192;
  private Pretrained pretrained;
  private float[] organWeights;
  private Consumer<String> warnings = m -> {};

  public MedVlmTask(MedVlmConfig config, List<Organ> organs, TextTokenizer tokenizer, PromptLibrary prompts, float absentShare, boolean trainEncoders) {
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
    this.absentShare = absentShare;
    this.trainEncoders = trainEncoders;
  }

  /**
   * A task for randomly initialised encoders: the named variant at {@code size} px with a
   * lower-cased WordPiece vocabulary built from the prompts ({@link PromptVocabulary}).
   *
   * @throws IllegalArgumentException for an unknown variant or a size the ViT cannot take
   */
  public static MedVlmTask withPromptVocabulary(String variant, int size, int channels, List<Organ> organs, PromptLibrary prompts, int maxTokens,
      float absentShare, boolean trainEncoders) throws java.io.IOException {
    TextTokenizer tokenizer = TextTokenizer.fromVocabulary(org.medvlm.text.PromptVocabulary.build(prompts, true), true, maxTokens);
    MedVlmConfig config = MedVlmConfig.named(variant, size, tokenizer.vocabularySize(), channels);
    return new MedVlmTask(config, organs, tokenizer, prompts, absentShare, trainEncoders);
  }

  /** Pretrained encoder checkpoints to load at initialisation (either may be null). */
  public record Pretrained(Path image, Path text, boolean lenient) {}

  /**
   * A task for pretrained encoders: the image encoder's checkpoint must be the variant's ViT (any
   * input size: position embeddings are resampled), the text encoder's its BERT, whose folder's
   * {@code tokenizer.json} or {@code vocab.txt} becomes the tokenizer. Without text weights the
   * text side uses the prompt vocabulary and starts random.
   *
   * @throws org.medvlm.BadInputException naming the file for a wrong, damaged or mismatched checkpoint
   */
  public static MedVlmTask withPretrained(String variant, int size, int channels, List<Organ> organs, PromptLibrary prompts, int maxTokens,
      float absentShare, boolean trainEncoders, Pretrained weights) throws java.io.IOException {
    MedVlmConfig wanted = MedVlmConfig.named(variant, size, 8, channels);
    TextTokenizer tokenizer;
    int vocab;
    if (weights.text() != null) {
      try (EncoderCheckpoint ck = EncoderCheckpoint.open(weights.text())) {
        if (!(ck instanceof BertCheckpoint b)) throw new BadInputException(ck.file(), "is an image encoder (" + ck.describe() + "), given as --text-weights");
        b.checkFits(variant, wanted.bert());
        vocab = b.architecture().vocabSize();
        tokenizer = TextTokenizer.besideWeights(weights.text(), Math.min(maxTokens, b.architecture().maxPositions()));
        if (tokenizer.vocabularySize() > vocab) {
          throw new BadInputException(weights.text(), "its tokenizer has " + tokenizer.vocabularySize() + " tokens but the encoder only " + vocab + ": tokenizer and weights do not belong together");
        }
      }
    } else {
      tokenizer = TextTokenizer.fromVocabulary(org.medvlm.text.PromptVocabulary.build(prompts, true), true, maxTokens);
      vocab = tokenizer.vocabularySize();
    }
    if (weights.image() != null) {
      try (EncoderCheckpoint ck = EncoderCheckpoint.open(weights.image())) {
        if (!(ck instanceof VitCheckpoint v)) throw new BadInputException(ck.file(), "is a text encoder (" + ck.describe() + "), given as --image-weights");
        v.checkFits(variant, wanted.vit());
      }
    }
    MedVlmTask task = new MedVlmTask(MedVlmConfig.named(variant, size, vocab, channels), organs, tokenizer, prompts, absentShare, trainEncoders);
    task.pretrained = weights;
    return task;
  }

  @Override
  public List<String> loadPretrained() throws java.io.IOException {
    List<String> done = new ArrayList<>();
    if (pretrained == null) return done;
    if (pretrained.image() != null) {
      try (EncoderCheckpoint ck = EncoderCheckpoint.open(pretrained.image())) {
        done.add("image encoder: " + ck.loadInto(model.imageEncoder(), pretrained.lenient()).summary());
      }
    }
    if (pretrained.text() != null) {
      try (EncoderCheckpoint ck = EncoderCheckpoint.open(pretrained.text())) {
        done.add("text encoder: " + ck.loadInto(model.textEncoder(), pretrained.lenient()).summary());
      }
    }
    return done;
  }

  /** Rebuilds the task from {@link #describe()}. */
  public static MedVlmTask from(JsonObject d, List<Organ> organs) throws java.io.IOException {
    MedVlmConfig config = MedVlmConfig.fromJson(d.getAsJsonObject("config"));
    TextTokenizer tok = TextTokenizer.fromJson(d.get("tokenizer").getAsString(), d.get("max_tokens").getAsInt());
    Map<Organ, List<String>> canonical = new LinkedHashMap<>();
    for (var e : d.getAsJsonObject("prompts").entrySet()) {
      canonical.put(Organ.ofId(Integer.parseInt(e.getKey())), List.of(e.getValue().getAsString()));
    }
    return new MedVlmTask(config, organs, tok, PromptLibrary.of(canonical), d.get("absent_share").getAsFloat(), d.get("train_encoders").getAsBoolean());
  }

  public MedVlm model() {
    return model;
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
  public Block block() {
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
    o.addProperty("absent_share", absentShare);
    o.addProperty("train_encoders", trainEncoders);
    return o;
  }

  @Override
  public void prepareForTraining() {
    model.freezeEncoders(trainEncoders);
  }

  /**
   * The detail path, a convolutional U-Net, learns at {@link MedVlm#DETAIL_LR_SCALE} times the base
   * rate: the transformers' rate (at most 3e-4 for Small) is a tenth of what our U-Net baseline
   * trains at (3e-3).
   */
  @Override
  public float learningRateScale(ai.djl.nn.Parameter parameter) {
    return model.isDetailParameter(parameter) ? MedVlm.DETAIL_LR_SCALE : 1f;
  }

  /** Transformers train with clipped gradients (global norm 1, as ViT and BERT were trained). */
  @Override
  public float gradientClip() {
    return 1f;
  }

  @Override
  public void weightOrgans(float[] byId) {
    organWeights = byId.clone();
  }

  /** One (slice, organ) pair of a batch. */
  private record Pair(int slice, Organ organ, String prompt) {}

  @Override
  public NDArray loss(NDManager step, Replicas replicas, List<Augmenter.Sample> batch, boolean training) {
    // one phrasing per organ and batch (the text encoder then runs at most once per organ per
    // step and replica), drawn from the batch's first sample seed; negatives drawn per sample
    SplittableRandom phrasing = new SplittableRandom(batch.get(0).seed() * 0x9E3779B97F4A7C15L + 17);
    String[] phrase = new String[Organ.MAX_ID + 1];
    for (Organ o : organs) phrase[o.id()] = prompts.sample(o, phrasing.nextLong());
    List<Pair> pairs = new ArrayList<>(); // in slice order, so each replica's pairs are contiguous
    for (int b = 0; b < batch.size(); b++) {
      Augmenter.Sample s = batch.get(b);
      boolean[] present = new boolean[Organ.MAX_ID + 1];
      for (int l : s.labels()) present[l] = true;
      SplittableRandom rnd = new SplittableRandom(s.seed() ^ 0x5DEECE66DL);
      for (Organ o : organs) {
        // an organ the sample's reference does not label is unknown there: neither a positive nor an absent negative
        if (!s.isLabelled(o.id())) continue;
        if (present[o.id()] || rnd.nextDouble() < absentShare) pairs.add(new Pair(b, o, phrase[o.id()]));
      }
    }
    if (pairs.isEmpty()) pairs.add(new Pair(0, organs.get(0), phrase[organs.get(0).id()]));
    int size = batch.get(0).size();
    int s2 = size * size;
    int c = model.config().channels();
    NDList decoded = replicas.forward(step, batch.size(), (m, ps, from, to) -> {
      List<Pair> shard = new ArrayList<>();
      for (Pair p : pairs) if (p.slice() >= from && p.slice() < to) shard.add(new Pair(p.slice() - from, p.organ(), p.prompt()));
      if (shard.isEmpty()) return null;
      float[] x = new float[(to - from) * c * s2];
      for (int b = from; b < to; b++) System.arraycopy(batch.get(b).image(), 0, x, (b - from) * c * s2, c * s2);
      PairOutput d = decodePairs(m, ps, m.create(x, new Shape(to - from, c, size, size)), shard, training);
      return new NDList(d.output().masks(), d.output().presence(), d.promptLoss());
    });
    float[] target = new float[pairs.size() * s2];
    float[] presence = new float[pairs.size()];
    float[] weight = new float[pairs.size()];
    for (int i = 0; i < pairs.size(); i++) {
      Pair p = pairs.get(i);
      int id = p.organ().id();
      markTarget(batch.get(p.slice()).labels(), id, i, s2, target, presence);
      weight[i] = organWeights == null ? 1 : organWeights[id];
    }
    // the mean over the batch's distinct phrasings: a pair counts 1 / (its phrasing's pairs)
    Map<String, Integer> perPhrasing = new HashMap<>();
    for (Pair p : pairs) perPhrasing.merge(p.prompt(), 1, Integer::sum);
    float[] share = new float[pairs.size()];
    for (int i = 0; i < share.length; i++) share[i] = 1f / (perPhrasing.get(pairs.get(i).prompt()) * perPhrasing.size());
    NDArray promptLoss = decoded.get(2).mul(step.create(share)).sum().mul(PROMPT_LOSS_WEIGHT);
    return lossOf(step, new MaskDecoder.Output(decoded.get(0), decoded.get(1)), target, presence, weight).add(promptLoss);
  }

  /**
   * Weight of the auxiliary prompt loss: cross-entropy of the training-only head that names the
   * organ of a phrasing from its pooled text vector, averaged over the batch's distinct phrasings.
   */
  static final float PROMPT_LOSS_WEIGHT = 0.5f;

  /**
   * Masks and presence scores of pairs, and the prompt-classification loss of each pair's phrasing
   * (per pair, so the batch's loss is the same however the batch is split over devices).
   */
  private record PairOutput(MaskDecoder.Output output, NDArray promptLoss) {}

  /** Masks and presence scores of (slice, prompt) pairs whose slices index {@code images}. */
  private PairOutput decodePairs(NDManager m, ParameterStore ps, NDArray images, List<Pair> pairs, boolean training) {
    List<String> unique = new ArrayList<>();
    List<Integer> uniqueOrgan = new ArrayList<>();
    long[] textIndex = new long[pairs.size()];
    long[] imageIndex = new long[pairs.size()];
    for (int i = 0; i < pairs.size(); i++) {
      Pair p = pairs.get(i);
      int at = unique.indexOf(p.prompt());
      if (at < 0) {
        at = unique.size();
        unique.add(p.prompt());
        uniqueOrgan.add(p.organ().id());
      }
      textIndex[i] = at;
      imageIndex[i] = p.slice();
    }
    Text text = encodeText(m, ps, unique, training);
    MedVlm.ImageFeatures features = model.encodeImages(ps, images, training);
    NDArray textAt = m.create(textIndex);
    MaskDecoder.Output out = model.decode(ps, features, m.create(imageIndex), text.output(), text.mask(), textAt, training);
    float[] named = new float[uniqueOrgan.size() * MedVlm.PROMPT_CLASSES]; // one-hot organ of each phrasing
    for (int i = 0; i < uniqueOrgan.size(); i++) named[i * MedVlm.PROMPT_CLASSES + uniqueOrgan.get(i)] = 1;
    NDArray logits = model.promptOrganLogits(ps, text.output().pooled(), training);
    NDArray crossEntropy = logits.logSoftmax(1).mul(m.create(named, logits.getShape())).sum(new int[] {1}).neg();
    return new PairOutput(out, crossEntropy.get(new NDIndex("{}", textAt)));
  }

  /** The weighted mean over pairs of BCE + soft Dice on the masks plus BCE on the presence. */
  private static NDArray lossOf(NDManager step, MaskDecoder.Output out, float[] target, float[] presence, float[] weight) {
    Shape shape = out.masks().getShape();
    NDArray y = step.create(target, shape);
    NDArray w = step.create(weight);
    NDArray perPair = bce(out.masks(), y).sum(new int[] {1, 2}).div(shape.get(1) * shape.get(2))
        .add(softDiceLoss(out.masks(), y)).add(bce(out.presence(), step.create(presence)));
    return perPair.mul(w).sum().div(w.sum());
  }

  /** Elementwise binary cross-entropy of logits against 0/1 targets, computed stably. */
  private static NDArray bce(NDArray logits, NDArray target) {
    return logits.maximum(0).sub(logits.mul(target)).add(logits.abs().neg().exp().add(1).log());
  }

  /** 1 - soft Dice per pair (N), smoothed by 1 so empty targets push the mask to zero. */
  private static NDArray softDiceLoss(NDArray logits, NDArray target) {
    NDArray p = Activation.sigmoid(logits);
    int[] axes = {1, 2};
    NDArray inter = p.mul(target).sum(axes);
    NDArray denom = p.sum(axes).add(target.sum(axes));
    return inter.mul(2).add(1).div(denom.add(1)).neg().add(1);
  }

  /** Encoded prompts: token states, pooled vectors and the padding mask. */
  private record Text(BertEncoder.Output output, NDArray mask) {}

  private Text encodeText(NDManager m, ParameterStore ps, List<String> texts, boolean training) {
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

  /**
   * The BTCV id (0 = none) that the training-only prompt head reads in a phrasing: how a trained
   * model has learnt to tell the organs' prompts apart.
   */
  int organNamedBy(NDManager manager, ParameterStore ps, String prompt) {
    try (NDManager m = manager.newSubManager()) {
      Text text = encodeText(m, ps, List.of(prompt), false);
      return (int) model.promptOrganLogits(ps, text.output().pooled(), false).argMax(1).getLong(0);
    }
  }

  /** The prompt used for an organ at inference (the first phrasing of the training library). */
  public String promptFor(Organ organ) {
    return prompts.canonical(organ);
  }

  @Override
  public Volume<IntType> predict(NDManager manager, ParameterStore ps, PreparedVolume v, int batchSize) {
    return run(manager, ps, v, batchSize, false).labels();
  }

  @Override
  public Validation validate(NDManager manager, ParameterStore ps, PreparedVolume v, int batchSize) {
    return run(manager, ps, v, batchSize, true);
  }

  @Override
  public Volume<IntType> predict(NDManager manager, ParameterStore ps, PreparedVolume v, int batchSize, List<Organ> requested) {
    for (Organ o : requested) if (!organs.contains(o)) throw new IllegalArgumentException("the model was not trained for " + o.key());
    Fusion fusion = new Fusion(v, requested);
    decodeVolume(manager, ps, v, requested.stream().map(prompts::canonical).toList(), null, batchSize, fusion);
    return fusion.onOriginal.toOriginal();
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
      java.util.Arrays.fill(best, 0.5f);
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

  private Validation run(NDManager manager, ParameterStore ps, PreparedVolume v, int batchSize, boolean withLoss) {
    Fusion fusion = new Fusion(v, organs);
    Decoded d = decodeVolume(manager, ps, v, organs.stream().map(prompts::canonical).toList(), withLoss ? organs : null, batchSize, fusion);
    return new Validation(fusion.labels, fusion.onOriginal.toOriginal(), d.lossSum(), d.batches());
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
  public float[][] probabilities(NDManager manager, ParameterStore ps, PreparedVolume v, List<String> texts, int batchSize) {
    int s2 = v.size() * v.size();
    float[][] out = new float[texts.size()][v.depth() * s2];
    decodeVolume(manager, ps, v, texts, null, batchSize, (k, z, p, from) -> System.arraycopy(p, from, out[k], z * s2, s2));
    return out;
  }

  /** The validation loss when the prompts are those of {@code lossOrgans}. */
  private record Decoded(double lossSum, int batches) {}

  /**
   * Mask probabilities of attended pairs of one slice, one S^2 map after the other: a pair whose
   * presence score is below 0.5 gets an empty map without running the upsampling at all (the
   * most expensive part of decoding, and most organs are absent from most slices).
   */
  private float[] presentMasks(NDManager chunk, ParameterStore ps, MaskDecoder.Attended a, List<NDArray> details, int s2) {
    boolean[] present = Activation.sigmoid(a.presence()).gte(0.5f).toBooleanArray();
    long[] keep = java.util.stream.IntStream.range(0, present.length).filter(j -> present[j]).asLongStream().toArray();
    float[] p = new float[present.length * s2];
    if (keep.length == 0) return p;
    MaskDecoder.Attended kept = keep.length == present.length ? a : a.select(chunk.create(keep));
    float[] maps = Activation.sigmoid(model.masks(ps, kept, details, false)).toFloatArray();
    for (int k = 0; k < keep.length; k++) System.arraycopy(maps, k * s2, p, (int) keep[k] * s2, s2);
    return p;
  }

  /** A validated chunk: its loss (mean over its pairs) and its maps, zero where the presence score says absent. */
  private record Validated(double loss, float[] maps) {}

  /** Validation decodes every pair of a chunk of one slice: the loss needs all masks. */
  private Validated validateChunk(NDManager chunk, ParameterStore ps, MaskDecoder.Attended a, List<NDArray> details, int[] labels, List<Organ> chunkOrgans, int s2) {
    int m = chunkOrgans.size();
    MaskDecoder.Output o = new MaskDecoder.Output(model.masks(ps, a, details, false), a.presence());
    float[] target = new float[m * s2];
    float[] presence = new float[m];
    float[] weight = new float[m];
    java.util.Arrays.fill(weight, 1f);
    for (int i = 0; i < m; i++) markTarget(labels, chunkOrgans.get(i).id(), i, s2, target, presence);
    double loss = lossOf(chunk, o, target, presence, weight).getFloat();
    NDArray present = Activation.sigmoid(o.presence()).gte(0.5f).toType(o.masks().getDataType(), false);
    return new Validated(loss, Activation.sigmoid(o.masks()).mul(present.reshape(-1, 1, 1)).toFloatArray());
  }

  /** Pair {@code i}'s target: its mask (the pixels of organ {@code id} in {@code labels}) and whether the organ is there. */
  private static void markTarget(int[] labels, int id, int i, int s2, float[] target, float[] presence) {
    for (int q = 0; q < s2; q++) {
      if (labels[q] == id) {
        target[i * s2 + q] = 1;
        presence[i] = 1;
      }
    }
  }

  /**
   * Decodes every (slice, prompt) pair of a volume into {@code sink}, in slice order and, per
   * slice, prompt order. The image encoder runs per batch of slices; the mixer and decoder per
   * slice, on its prompts in chunks of at most {@link #PAIR_WIDTH_BUDGET} / image width pairs,
   * each chunk in a manager of its own (its full-resolution maps are freed with it). The slice's
   * detail maps are broadcast over its prompts rather than copied per pair.
   */
  private Decoded decodeVolume(NDManager manager, ParameterStore ps, PreparedVolume v, List<String> texts, List<Organ> lossOrgans, int batchSize, Sink sink) {
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
                if (lossOrgans != null) {
                  Validated r = validateChunk(chunk, ps, a, details, v.labelSlice(z), lossOrgans.subList(k0, k0 + m), s2);
                  batchLoss += r.loss() * m / (n * prompts); // the batch's mean over its pairs
                  p = r.maps();
                } else {
                  p = presentMasks(chunk, ps, a, details, s2);
                }
                for (int i = 0; i < m; i++) sink.accept(k0 + i, z, p, i * s2);
              }
            }
          }
          if (lossOrgans != null) {
            lossSum += batchLoss;
            batches++;
          }
        }
      }
    }
    return new Decoded(lossSum, batches);
  }

  /** How many (slice, prompt) pairs the mixer and decoder take at a time at inference. */
  private int maxPairsPerChunk() {
    return Math.max(1, PAIR_WIDTH_BUDGET / model.config().vit().dim());
  }
}
