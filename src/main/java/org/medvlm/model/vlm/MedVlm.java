package org.medvlm.model.vlm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.List;

/**
 * Med-VLM: a ViT image encoder and a BERT text encoder (frozen, with LoRA adapters), a feature
 * mixer and a SAM-style mask decoder, plus a convolutional {@link DetailPath} over the slice that
 * feeds the decoder's upsampling and the patch tokens. The image side (ViT and detail path) runs
 * once per slice and is shared by every prompt; text once per prompt; the mixer and decoder run
 * per (slice, prompt) pair.
 */
public final class MedVlm extends ExplicitBlock {
  private final MedVlmConfig config;
  private final VitEncoder imageEncoder;
  private final BertEncoder textEncoder;
  private final FeatureMixer mixer;
  private final MaskDecoder decoder;
  private final DetailPath detail;
  private final LoraLinear promptOrgan;
  private final java.util.Set<Parameter> detailParameters;

  /**
   * Per-slice results of the image side: patch tokens (B, G^2, D), the ViT's plus the detail
   * path's coarsest level, and the detail path's maps for the decoder.
   */
  public record ImageFeatures(NDArray tokens, List<NDArray> details) {
    /** The detail maps of one slice (1, C, H, W), to be broadcast over that slice's prompts. */
    public List<NDArray> detailsOf(int slice) {
      NDIndex at = new NDIndex("{}:{}", slice, slice + 1);
      return details.stream().map(d -> d.get(at)).toList();
    }
  }

  public MedVlm(MedVlmConfig config) {
    this.config = config;
    imageEncoder = addChildBlock("image_encoder", new VitEncoder(config.vit(), config.lora()));
    textEncoder = addChildBlock("text_encoder", new BertEncoder(config.bert(), config.lora()));
    mixer = addChildBlock("mixer", new FeatureMixer(config.vit().dim(), config.bert().hidden(), config.mixerDepth(), config.mixerHeads(), config.mixerMlpRatio()));
    decoder = addChildBlock("decoder", new MaskDecoder(config));
    detail = addChildBlock("detail", new DetailPath(config.channels(), decoder.detailChannels(), config.vit().dim()));
    promptOrgan = addChildBlock("prompt_organ", new LoraLinear(config.bert().hidden(), PROMPT_CLASSES));
    detailParameters = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    detailParameters.addAll(detail.getParameters().values());
  }

  public MedVlmConfig config() {
    return config;
  }

  public MaskDecoder decoder() {
    return decoder;
  }

  public VitEncoder imageEncoder() {
    return imageEncoder;
  }

  public BertEncoder textEncoder() {
    return textEncoder;
  }

  /**
   * Freezes the encoders' pretrained weights (everything but their LoRA adapters), or, with
   * {@code trainEncoders}, leaves them trainable (full fine-tuning, for randomly initialised
   * encoders). Call after initialisation and weight loading.
   */
  public void freezeEncoders(boolean trainEncoders) {
    for (var encoder : List.of(imageEncoder, textEncoder)) {
      encoder.freezeParameters(false);
      if (!trainEncoders) encoder.freezeParameters(true, p -> !isAdapter(p));
    }
  }

  /**
   * Freezes the whole text encoder, its LoRA adapters included, so it stays exactly the pretrained
   * encoder (the adapters start at zero and stay there). Call after {@link #freezeEncoders}.
   */
  public void freezeTextEncoder() {
    textEncoder.freezeParameters(true);
  }

  /** Classes of the training-only prompt classifier: the BTCV organ ids 0 (none) to 13. */
  public static final int PROMPT_CLASSES = 14;

  /**
   * Organ logits (N, {@link #PROMPT_CLASSES}) of pooled prompt vectors: a training-only auxiliary
   * head that teaches the text side which organ a phrasing names (see docs/medvlm.md).
   */
  public NDArray promptOrganLogits(ParameterStore ps, NDArray pooled, boolean training) {
    return promptOrgan.apply(ps, pooled, training);
  }

  /** Whether a parameter belongs to the detail path. */
  public boolean isDetailParameter(Parameter p) {
    return detailParameters.contains(p);
  }

  public static boolean isAdapter(Parameter p) {
    return p.getName().startsWith("lora_");
  }

  public ImageFeatures encodeImages(ParameterStore ps, NDArray images, boolean training) {
    DetailPath.Output d = detail.apply(ps, images, training);
    return new ImageFeatures(imageEncoder.encode(ps, images, training).add(d.tokens()), d.maps());
  }

  public BertEncoder.Output encodeText(ParameterStore ps, NDArray ids, NDArray mask, boolean training) {
    return textEncoder.encode(ps, ids, mask, training);
  }

  /**
   * Masks for (slice, prompt) pairs: pair i combines slice {@code imageIndex[i]} of {@code images}
   * with prompt {@code textIndex[i]} of {@code text} (int64 index arrays).
   */
  public MaskDecoder.Output decode(ParameterStore ps, ImageFeatures images, NDArray imageIndex, BertEncoder.Output text, NDArray textMask,
      NDArray textIndex, boolean training) {
    NDArray selector = pairSelector(images, imageIndex);
    MaskDecoder.Attended a = attendSelected(ps, images, selector, text, textMask, textIndex, training);
    List<NDArray> details = images.details().stream().map(d -> perPair(d, selector)).toList();
    return new MaskDecoder.Output(decoder.masks(ps, a, details, training), a.presence());
  }

  /**
   * {@link #decode} up to the presence scores: the mixer and the decoder's transformer for each
   * pair; {@link #masks} finishes the pairs that need a mask.
   */
  public MaskDecoder.Attended attend(ParameterStore ps, ImageFeatures images, NDArray imageIndex, BertEncoder.Output text, NDArray textMask,
      NDArray textIndex, boolean training) {
    // the per-pair copies (and so everything computed from them) belong to the index arrays' manager:
    // a caller decoding a batch in chunks frees each chunk's full-resolution maps when it closes that manager
    return attendSelected(ps, images, pairSelector(images, imageIndex), text, textMask, textIndex, training);
  }

  /** {@link #attend} with the pairs' image selector already made (decode uses it for the detail maps too). */
  private MaskDecoder.Attended attendSelected(ParameterStore ps, ImageFeatures images, NDArray selector, BertEncoder.Output text, NDArray textMask,
      NDArray textIndex, boolean training) {
    NDArray tokens = perPair(images.tokens(), selector);
    NDArray prompt = textIndex.oneHot(Math.toIntExact(text.pooled().getShape().get(0)));
    NDArray states = perPair(text.states(), prompt);
    NDArray mask = perPair(textMask, prompt);
    NDArray pooled = perPair(text.pooled(), prompt);
    NDArray mixed = mixer.mix(ps, tokens, states, mask, training);
    return decoder.attend(ps, mixed, pooled, training);
  }

  /** One row per pair, a one at its image: (N, B) in the manager of {@code imageIndex}. */
  private static NDArray pairSelector(ImageFeatures images, NDArray imageIndex) {
    return imageIndex.oneHot(Math.toIntExact(images.tokens().getShape().get(0)));
  }

  /**
   * The rows of {@code x} (B, ...) that the pairs show, (N, ...), as the product of the one-hot
   * {@code selector} (N, B) with {@code x}: the same numbers as indexing, but its gradient is a
   * second small product, where an index's is a scatter-add that took 7% of a training step on
   * CPUs (the full-resolution detail maps of every pair). Belongs to the selector's manager.
   */
  static NDArray perPair(NDArray x, NDArray selector) {
    Shape shape = x.getShape();
    NDArray rows = selector.matMul(x.reshape(shape.get(0), -1));
    return rows.reshape(new Shape(selector.getShape().get(0)).addAll(shape.slice(1)));
  }

  /**
   * Mask logits (N, S, S) of attended pairs ({@link #attend}, or a selection of them);
   * {@code details}: the detail maps of their N images, or of the one image they all show.
   */
  public NDArray masks(ParameterStore ps, MaskDecoder.Attended attended, List<NDArray> details, boolean training) {
    return decoder.masks(ps, attended, details, training);
  }
}
