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
import org.medvlm.infer.MedVlmPredictor;
import org.medvlm.infer.Prediction;
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
 * Training of Med-VLM ({@link MedVlmPredictor}). Training pairs every slice with each organ
 * present in it (its binary mask) and with a seeded share of the absent organs (an empty mask),
 * each with a phrasing drawn from the prompt library; the loss is BCE + soft Dice on the masks plus
 * BCE on the presence score, plus the prompt-organ loss. Validation goes through the predictor.
 */
public final class MedVlmTask implements SegmentationTask {
  private final MedVlmPredictor predictor;
  private final MedVlm model;
  private final List<Organ> organs;
  private final PromptLibrary prompts;
  private final float absentShare;
  private final boolean trainEncoders;
  private Pretrained pretrained;
  private float[] organWeights;
  private float wordDropout;
  private float promptLossWeight = DEFAULT_PROMPT_LOSS_WEIGHT;
  private boolean freezeText;

  public MedVlmTask(MedVlmConfig config, List<Organ> organs, TextTokenizer tokenizer, PromptLibrary prompts, float absentShare, boolean trainEncoders) {
    this.predictor = new MedVlmPredictor(config, organs, tokenizer, prompts);
    this.model = predictor.block();
    this.organs = List.copyOf(organs);
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
        if (!(ck instanceof BertCheckpoint b)) throw new BadInputException(ck.file(), "is an image encoder (" + ck.describe() + "), given as {text-weights}");
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
        if (!(ck instanceof VitCheckpoint v)) throw new BadInputException(ck.file(), "is a text encoder (" + ck.describe() + "), given as {image-weights}");
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

  @Override
  public MedVlmPredictor model() {
    return predictor;
  }

  /** Where warnings (such as truncated prompts) go. */
  public void onWarning(Consumer<String> sink) {
    predictor.onWarning(sink);
  }

  /** The predictor's description and the training settings stored beside it. */
  @Override
  public JsonObject describe() {
    JsonObject o = predictor.describe();
    o.addProperty("absent_share", absentShare);
    o.addProperty("prompt_word_dropout", wordDropout);
    o.addProperty("prompt_loss_weight", promptLossWeight);
    o.addProperty("freeze_text_encoder", freezeText);
    o.addProperty("train_encoders", trainEncoders);
    return o;
  }

  @Override
  public void prepareForTraining() {
    model.freezeEncoders(trainEncoders);
    if (freezeText) model.freezeTextEncoder();
  }

  /**
   * The detail path, a convolutional U-Net, learns at {@link #DETAIL_LR_SCALE} times the base
   * rate: the transformers' rate (at most 3e-4 for Small) is a tenth of what our U-Net baseline
   * trains at (3e-3).
   */
  @Override
  public float learningRateScale(ai.djl.nn.Parameter parameter) {
    return model.isDetailParameter(parameter) ? DETAIL_LR_SCALE : 1f;
  }

  /** How much faster than the base learning rate the detail path (a convolutional U-Net) trains. */
  static final float DETAIL_LR_SCALE = 10f;

  /** Transformers train with clipped gradients (global norm 1, as ViT and BERT were trained). */
  @Override
  public float gradientClip() {
    return 1f;
  }

  /**
   * Leaves each word of a training phrasing out with chance {@code rate} ({@link PromptWordDropout});
   * 0, the default, trains on the phrasings as written.
   */
  public void dropPromptWords(float rate) {
    PromptWordDropout.checkRate(rate);
    wordDropout = rate;
  }

  /**
   * Weighs the auxiliary prompt-organ loss by {@code weight} (0 turns it off) instead of
   * {@link #DEFAULT_PROMPT_LOSS_WEIGHT}.
   *
   * @throws IllegalArgumentException for a negative or non-finite weight
   */
  public void weighPromptLoss(float weight) {
    if (!isPromptLossWeight(weight)) throw new IllegalArgumentException("prompt loss weight must be a finite number of at least 0, not " + weight);
    promptLossWeight = weight;
  }

  /** Whether {@code weight} can weigh the prompt-organ loss: finite and at least 0. */
  static boolean isPromptLossWeight(float weight) {
    return weight >= 0 && weight < Float.POSITIVE_INFINITY;
  }

  /**
   * Keeps the text encoder exactly as pretrained, LoRA adapters included ({@link MedVlm#freezeTextEncoder}):
   * what the decoder reads of a prompt is then the pretrained encoder's own.
   */
  public void freezeTextEncoder(boolean freeze) {
    freezeText = freeze;
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
    for (Organ o : organs) {
      phrase[o.id()] = prompts.sample(o, phrasing.nextLong());
      // drawn only with dropout on, so a run without it sees the same phrasings as before it existed
      if (wordDropout > 0) phrase[o.id()] = PromptWordDropout.apply(phrase[o.id()], wordDropout, new SplittableRandom(phrasing.nextLong()));
    }
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
    NDArray promptLoss = decoded.get(2).mul(step.create(share)).sum().mul(promptLossWeight);
    return lossOf(step, new MaskDecoder.Output(decoded.get(0), decoded.get(1)), target, presence, weight).add(promptLoss);
  }

  /**
   * Default weight of the auxiliary prompt loss: cross-entropy of the training-only head that names
   * the organ of a phrasing from its pooled text vector, averaged over the batch's distinct phrasings.
   */
  static final float DEFAULT_PROMPT_LOSS_WEIGHT = 0.5f;

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
    MedVlmPredictor.Text text = predictor.encodeText(m, ps, unique, training);
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

  /**
   * The BTCV id (0 = none) that the training-only prompt head reads in a phrasing: how a trained
   * model has learnt to tell the organs' prompts apart.
   */
  int organNamedBy(NDManager manager, ParameterStore ps, String prompt) {
    try (NDManager m = manager.newSubManager()) {
      MedVlmPredictor.Text text = predictor.encodeText(m, ps, List.of(prompt), false);
      return (int) model.promptOrganLogits(ps, text.output().pooled(), false).argMax(1).getLong(0);
    }
  }

  /** The prediction of every organ and the validation loss of every pair, from the same forward passes. */
  @Override
  public Prediction validate(NDManager manager, ParameterStore ps, PreparedVolume v, int batchSize) {
    return predictor.validate(manager, ps, v, batchSize, MedVlmTask::chunkLoss);
  }

  /** The unweighted loss of a validation chunk of one slice's pairs, the mean over its pairs. */
  private static double chunkLoss(NDManager chunk, MaskDecoder.Output o, int[] labels, List<Organ> chunkOrgans) {
    int m = chunkOrgans.size();
    int s2 = (int) (o.masks().getShape().get(1) * o.masks().getShape().get(2));
    float[] target = new float[m * s2];
    float[] presence = new float[m];
    float[] weight = new float[m];
    java.util.Arrays.fill(weight, 1f);
    for (int i = 0; i < m; i++) markTarget(labels, chunkOrgans.get(i).id(), i, s2, target, presence);
    return lossOf(chunk, o, target, presence, weight).getFloat();
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
}
