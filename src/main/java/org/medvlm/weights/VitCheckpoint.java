package org.medvlm.weights;

import ai.djl.nn.Block;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.medvlm.BadInputException;
import org.medvlm.model.vlm.LoraConfig;
import org.medvlm.model.vlm.VitConfig;
import org.medvlm.model.vlm.VitEncoder;

/**
 * A timm VisionTransformer checkpoint ({@code vit_base_patch16_224}, {@code vit_tiny_patch16_224}
 * and their relatives): keys {@code patch_embed.proj.*}, {@code cls_token}, {@code pos_embed},
 * {@code blocks.N.*}, {@code norm.*}, which are our names too; the classifier {@code head.*} is
 * ignored. The architecture comes from the tensors' shapes; the number of heads, which shapes do
 * not show, from timm's {@code config.json} ({@code model_args.num_heads} or the architecture
 * name) or else 64-wide heads, the ViT convention. Position embeddings are resampled to other
 * input sizes.
 */
public final class VitCheckpoint extends EncoderCheckpoint {
  private static final Pattern ARCH = Pattern.compile("vit_(tiny|small|base|large|huge)_patch(\\d+)_.*");
  private static final Map<String, Integer> HEADS = Map.of("tiny", 3, "small", 6, "base", 12, "large", 16, "huge", 16);
  private final VitConfig architecture;
  private final String headsSource;

  static boolean recognises(StateDict sd) {
    return sd.names().contains("patch_embed.proj.weight") || sd.names().contains("module.patch_embed.proj.weight");
  }

  VitCheckpoint(StateDict sd, JsonObject config) throws IOException {
    super(sd, config);
    for (String key : sd.names()) {
      String k = key.startsWith("module.") ? key.substring(7) : key;
      if (k.startsWith("head.")) map(key, null);
      else if (k.matches("patch_embed\\.proj\\.(weight|bias)|cls_token|pos_embed|norm\\.(weight|bias)|blocks\\.\\d+\\.(norm1|norm2|attn\\.qkv|attn\\.proj|mlp\\.fc1|mlp\\.fc2)\\.(weight|bias)")) map(key, k);
      else unexpected(key);
    }
    long[] proj = shape("patch_embed.proj.weight");
    long[] pos = shape("pos_embed");
    if (proj.length != 4 || proj[2] != proj[3] || proj[1] != 3) throw new BadInputException(file(), "patch_embed.proj.weight has shape " + Arrays.toString(proj) + ", not (dim, 3, p, p)");
    int dim = (int) proj[0];
    int patch = (int) proj[2];
    if (pos.length != 3 || pos[2] != dim) throw new BadInputException(file(), "pos_embed has shape " + Arrays.toString(pos) + ", not (1, tokens, " + dim + ")");
    int grid = (int) Math.round(Math.sqrt(pos[1] - 1));
    if ((long) grid * grid + 1 != pos[1]) throw new BadInputException(file(), "pos_embed holds " + pos[1] + " tokens: not a class token and a square grid");
    int depth = 0;
    while (sd.names().contains(prefix() + "blocks." + depth + ".norm1.weight")) depth++;
    if (depth == 0) throw new BadInputException(file(), "has no transformer blocks (blocks.0.*)");
    long[] fc1 = shape("blocks.0.mlp.fc1.weight");
    if (fc1.length != 2 || fc1[0] % dim != 0) throw new BadInputException(file(), "blocks.0.mlp.fc1.weight has shape " + Arrays.toString(fc1) + ", not a multiple of the width " + dim);
    int[] heads = heads(dim);
    headsSource = heads[1] == 1 ? "config.json" : "assumed 64-wide";
    try {
      architecture = new VitConfig(grid * patch, patch, dim, depth, heads[0], (int) (fc1[0] / dim));
    } catch (IllegalArgumentException e) {
      throw new BadInputException(file(), e.getMessage());
    }
  }

  private String prefix() {
    return weights.names().contains("patch_embed.proj.weight") ? "" : "module.";
  }

  private long[] shape(String key) throws BadInputException {
    StoredTensor t = weights.get(prefix() + key);
    if (t == null) throw new BadInputException(file(), "has no " + key + ": not a complete timm ViT");
    return t.shape();
  }

  /** {heads, 1 if from config.json else 0}. */
  private int[] heads(int dim) throws BadInputException {
    if (config != null) {
      if (config.has("model_args") && config.getAsJsonObject("model_args").has("num_heads")) {
        return new int[] {config.getAsJsonObject("model_args").get("num_heads").getAsInt(), 1};
      }
      if (config.has("architecture")) {
        Matcher m = ARCH.matcher(config.get("architecture").getAsString());
        if (m.matches()) return new int[] {HEADS.get(m.group(1)), 1};
      }
    }
    if (dim % 64 != 0) throw new BadInputException(file(), "cannot tell the number of attention heads of width " + dim + ": put timm's config.json beside it");
    return new int[] {dim / 64, 0};
  }

  /** The checkpoint's architecture at its pretrained input size. */
  public VitConfig architecture() {
    return architecture;
  }

  /** The architecture at another input size (position embeddings are resampled on load). */
  public VitConfig architecture(int imageSize) {
    VitConfig a = architecture;
    return new VitConfig(imageSize, a.patch(), a.dim(), a.depth(), a.heads(), a.mlpRatio());
  }

  @Override
  public String describe() {
    VitConfig a = architecture;
    return String.format("ViT (timm): width %d, depth %d, %d heads (%s), MLP %dx, %d-px patches, pretrained at %d px (%dx%d grid)",
        a.dim(), a.depth(), a.heads(), headsSource, a.mlpRatio(), a.patch(), a.imageSize(), a.grid(), a.grid());
  }

  @Override
  public Block newEncoder() {
    return new VitEncoder(architecture, LoraConfig.none());
  }

  /** Fails unless the checkpoint is the image encoder a variant expects (any input size). */
  public void checkFits(String variant, VitConfig expected) throws BadInputException {
    VitConfig a = architecture;
    if (a.dim() != expected.dim() || a.depth() != expected.depth() || a.heads() != expected.heads() || a.patch() != expected.patch() || a.mlpRatio() != expected.mlpRatio()) {
      throw new BadInputException(file(), String.format("is a ViT of width %d, depth %d and %d heads; %s needs width %d, depth %d and %d heads (%s)",
          a.dim(), a.depth(), a.heads(), variant, expected.dim(), expected.depth(), expected.heads(), expectedName(expected)));
    }
  }

  private static String expectedName(VitConfig c) {
    if (c.dim() == 768 && c.depth() == 12) return "timm vit_base_patch16_224";
    if (c.dim() == 192 && c.depth() == 12) return "timm vit_tiny_patch16_224";
    return "a test configuration";
  }

  @Override
  protected float[] adapt(String ours, StoredTensor t, long[] target, List<String> notes) throws IOException {
    long[] s = t.shape();
    if (!ours.equals("pos_embed") || s.length != 3 || target.length != 3 || s[2] != target[2]) return null;
    int oldGrid = architecture.grid();
    int newGrid = (int) Math.round(Math.sqrt(target[1] - 1));
    float[] out = PositionEmbedding.resample(t.toFloats(file().toString()), (int) s[2], oldGrid, newGrid);
    notes.add("position embeddings resampled from a " + oldGrid + "x" + oldGrid + " to a " + newGrid + "x" + newGrid + " grid (bicubic, antialiased, as timm)");
    return out;
  }
}
