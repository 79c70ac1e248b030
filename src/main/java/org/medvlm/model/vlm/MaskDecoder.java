package org.medvlm.model.vlm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import java.util.ArrayList;
import java.util.List;

/**
 * SAM-style mask decoder over the mixed patch tokens:
 * <ol>
 *   <li>{@code input_proj} to width C, then residual dilated 3 x 3 convolutions over the patch
 *       grid (wider context for each patch, LayerNorm2d + GELU);
 *   <li>a two-way transformer between the image and three tokens: a learned presence ("IoU")
 *       token, a learned mask token and the prompt token (the pooled text vector, projected);
 *   <li>upsampling to full resolution by log2(patch) transposed 2 x 2 convolutions, each stage
 *       adding the matching level of the slice's {@link DetailPath} (a small convolutional
 *       U-Net over the CT itself, our addition, as HQ-SAM adds early features: patch tokens
 *       alone cannot place a boundary finer than 16 pixels);
 *   <li>a hypernetwork MLP turning the mask token into per-pixel weights: mask logits are their
 *       dot product with the upsampled features; an MLP on the presence token gives the logit
 *       of "this organ is in this slice".
 * </ol>
 * {@link #attend} runs steps 1 and 2 and the presence head, {@link #masks} steps 3 and 4: inference
 * runs the second only for the pairs whose presence score keeps them.
 */
public final class MaskDecoder extends ExplicitBlock {
  private final DecoderConfig config;
  private final int grid;
  private final int stages;
  private final LoraLinear inputProj;
  private final List<Conv> dilated = new ArrayList<>();
  private final List<Norm> dilatedNorms = new ArrayList<>();
  private final LoraLinear promptProj;
  private final Parameter outputTokens;
  private final Parameter imagePe;
  private final TwoWayTransformer transformer;
  private final List<TransposedConv2x2> up = new ArrayList<>();
  private final Norm upNorm;
  private final List<LoraLinear> hyper = new ArrayList<>();
  private final List<LoraLinear> presence = new ArrayList<>();

  /** Per-pixel mask logits (N, S, S) and presence logits (N). */
  public record Output(NDArray masks, NDArray presence) {}

  /** The decoder of {@code model}: its sizes, over that model's image and text encoders' widths and patch grid. */
  public MaskDecoder(MedVlmConfig model) {
    DecoderConfig config = model.decoder();
    int imageDim = model.vit().dim();
    int textDim = model.bert().hidden();
    int patch = model.vit().patch();
    this.config = config;
    this.grid = model.vit().grid();
    int c = config.dim();
    int s = Integer.numberOfTrailingZeros(patch);
    if (patch != 1 << s || s < 2) throw new IllegalArgumentException("patch size must be a power of two of at least 4, not " + patch);
    this.stages = s;
    inputProj = addChildBlock("input_proj", new LoraLinear(imageDim, c));
    ExplicitBlock convs = new ExplicitBlock() {};
    for (int i = 0; i < config.dilations().length; i++) {
      dilated.add(convs.child("conv" + i, new Conv(c, c, 3, 1, config.dilations()[i])));
      dilatedNorms.add(convs.child("norm" + i, new Norm(c, 1e-6f)));
    }
    addChildBlock("dilated", convs);
    promptProj = addChildBlock("prompt_proj", new LoraLinear(textDim, c));
    outputTokens = param("output_tokens", new Shape(2, c), new NormalInitializer(1f));
    imagePe = param("image_pe", new Shape(1, (long) grid * grid, c), new NormalInitializer(0.02f));
    transformer = addChildBlock("transformer", new TwoWayTransformer(c, config.depth(), config.heads(), config.mlpDim()));
    ExplicitBlock upList = new ExplicitBlock() {};
    int prev = c;
    for (int i = 0; i < stages; i++) {
      up.add(upList.child(Integer.toString(i), new TransposedConv2x2(prev, config.upChannels(i))));
      prev = config.upChannels(i);
    }
    upNorm = upList.child("norm", new Norm(config.upChannels(0), 1e-6f));
    addChildBlock("output_upscaling", upList);
    int last = config.upChannels(stages - 1);
    ExplicitBlock hyperList = new ExplicitBlock() {};
    hyper.add(hyperList.child("0", new LoraLinear(c, c)));
    hyper.add(hyperList.child("1", new LoraLinear(c, c)));
    hyper.add(hyperList.child("2", new LoraLinear(c, last)));
    addChildBlock("output_hypernetwork_mlp", hyperList);
    ExplicitBlock presenceList = new ExplicitBlock() {};
    presence.add(presenceList.child("0", new LoraLinear(c, c)));
    presence.add(presenceList.child("1", new LoraLinear(c, c)));
    presence.add(presenceList.child("2", new LoraLinear(c, 1)));
    addChildBlock("presence_head", presenceList);
  }

  /** The bias of the presence head's output (one value: the logit of "present" before the input's share). */
  public Parameter presenceBias() {
    return presence.get(presence.size() - 1).bias();
  }

  public DecoderConfig config() {
    return config;
  }

  /** Channels of the detail map added at each upsampling stage, finest (full resolution) first. */
  int[] detailChannels() {
    int[] out = new int[stages];
    for (int k = 0; k < stages; k++) out[k] = config.upChannels(stages - 1 - k);
    return out;
  }

  /**
   * The decoder up to the mask: after the two-way transformer, per pair, the attended image
   * grid (N, C, G, G), the mask token (N, C) and the presence logit (N). {@link #masks} turns it
   * into mask logits; inference calls it only for the pairs whose presence score says the organ
   * is there.
   */
  public record Attended(NDArray image, NDArray maskToken, NDArray presence) {
    /** The pairs at {@code index} (int64). */
    public Attended select(NDArray index) {
      NDIndex at = new NDIndex("{}", index);
      return new Attended(image.get(at), maskToken.get(at), presence.get(at));
    }
  }

  /**
   * Input projection, dilated convolutions, two-way transformer and presence head.
   *
   * @param mixed mixed image tokens (N, G^2, D)
   * @param prompt pooled text vectors (N, Dt)
   */
  public Attended attend(ParameterStore ps, NDArray mixed, NDArray prompt, boolean training) {
    long n = mixed.getShape().get(0);
    int c = config.dim();
    NDArray x = inputProj.apply(ps, mixed, training).transpose(0, 2, 1).reshape(n, c, grid, grid);
    for (int i = 0; i < dilated.size(); i++) {
      x = x.add(dilatedNorms.get(i).apply2dGelu(ps, dilated.get(i).apply(ps, x, training), training));
    }
    NDArray image = x.reshape(n, c, (long) grid * grid).transpose(0, 2, 1);
    NDArray fixed = local(local(value(ps, outputTokens, x, training).expandDims(0), x).broadcast(n, 2, c), x);
    NDArray promptToken = promptProj.apply(ps, prompt, training).expandDims(1);
    NDArray tokens = NDArrays.concat(new NDList(fixed, promptToken), 1);
    NDArray[] out = transformer.apply(ps, tokens, image, value(ps, imagePe, x, training), training);
    NDArray presenceToken = out[0].get(":, 0, :");
    NDArray maskToken = out[0].get(":, 1, :");
    NDArray present = mlp(ps, presence, presenceToken, training).reshape(n);
    return new Attended(out[1].transpose(0, 2, 1).reshape(n, c, grid, grid), maskToken, present);
  }

  /**
   * Per-pixel mask logits (N, S, S): upsampling with the detail path ({@code details} of the N
   * pairs' images, or of the one image they share, finest first), then the hypernetwork's weights.
   */
  public NDArray masks(ParameterStore ps, Attended a, List<NDArray> details, boolean training) {
    NDArray feat = a.image();
    for (int i = 0; i < stages - 1; i++) {
      feat = up.get(i).apply(ps, feat, training);
      if (i == 0) feat = upNorm.apply2d(ps, feat, training);
      feat = Activation.gelu(feat.add(details.get(stages - 1 - i)));
    }
    NDArray w = mlp(ps, hyper, a.maskToken(), training);
    // the last stage and the hypernetwork's dot product in one: the full-resolution map is never shuffled
    return up.get(stages - 1).applyGeluDot(ps, feat, details.get(0), w, training);
  }

  private static NDArray mlp(ParameterStore ps, List<LoraLinear> layers, NDArray x, boolean training) {
    for (int i = 0; i < layers.size(); i++) {
      x = layers.get(i).apply(ps, x, training);
      if (i < layers.size() - 1) x = Activation.relu(x);
    }
    return x;
  }
}
