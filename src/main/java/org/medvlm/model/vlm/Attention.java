package org.medvlm.model.vlm;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;

/**
 * Multi-head scaled dot-product attention. Three layouts, named as in the implementations whose
 * weights they take: timm's ViT (one fused {@code qkv} projection and {@code proj}), BERT
 * ({@code query}, {@code key}, {@code value}, {@code dense}) and SAM ({@code q_proj},
 * {@code k_proj}, {@code v_proj}, {@code out_proj}, with an inner width that may be smaller than
 * the model's, SAM's "downsample rate").
 */
final class Attention extends ExplicitBlock {
  private final int heads;
  private final int inner;
  private final LoraLinear qkv;
  private final LoraLinear q;
  private final LoraLinear k;
  private final LoraLinear v;
  private final LoraLinear out;

  private Attention(int heads, int inner, LoraLinear qkv, LoraLinear q, LoraLinear k, LoraLinear v, LoraLinear out, String[] names) {
    if (inner % heads != 0) throw new IllegalArgumentException("width " + inner + " is not divisible by " + heads + " heads");
    this.heads = heads;
    this.inner = inner;
    this.qkv = qkv == null ? null : addChildBlock(names[0], qkv);
    this.q = q == null ? null : addChildBlock(names[0], q);
    this.k = k == null ? null : addChildBlock(names[1], k);
    this.v = v == null ? null : addChildBlock(names[2], v);
    this.out = addChildBlock(names[3], out);
  }

  /** timm ViT self-attention: fused qkv. */
  static Attention vit(int dim, int heads, LoraConfig lora) {
    LoraConfig qkvLora = lora.qkv() ? lora : null;
    LoraConfig outLora = lora.out() ? lora : null;
    return new Attention(heads, dim, LoraLinear.encoder(dim, 3 * dim, qkvLora), null, null, null,
        LoraLinear.encoder(dim, dim, outLora), new String[] {"qkv", null, null, "proj"});
  }

  /** BERT self-attention; the output projection is BERT's {@code attention.output.dense}. */
  static Attention bert(int dim, int heads, LoraConfig lora) {
    LoraConfig qkvLora = lora.qkv() ? lora : null;
    return new Attention(heads, dim, null, LoraLinear.encoder(dim, dim, qkvLora), LoraLinear.encoder(dim, dim, qkvLora),
        LoraLinear.encoder(dim, dim, qkvLora), LoraLinear.encoder(dim, dim, lora.out() ? lora : null),
        new String[] {"query", "key", "value", "dense"});
  }

  /** Trainable attention of queries of width dim over keys/values of width kvDim, inner width inner. */
  static Attention sam(int dim, int kvDim, int inner, int heads) {
    return new Attention(heads, inner, null, new LoraLinear(dim, inner), new LoraLinear(kvDim, inner), new LoraLinear(kvDim, inner),
        new LoraLinear(inner, dim), new String[] {"q_proj", "k_proj", "v_proj", "out_proj"});
  }

  /** Self-attention of x (N, L, D) (fused layout only, or any layout with itself as context). */
  NDArray self(ParameterStore ps, NDArray x, NDArray keyMask, boolean training) {
    if (qkv == null) return apply(ps, x, x, x, keyMask, training);
    NDArray fused = qkv.apply(ps, x, training);
    NDArray qx = fused.get(":, :, 0:" + inner);
    NDArray kx = fused.get(":, :, " + inner + ":" + 2 * inner);
    NDArray vx = fused.get(":, :, " + 2 * inner + ":");
    return out.apply(ps, attend(qx, kx, vx, keyMask), training);
  }

  /**
   * Queries from {@code query} (N, Lq, D), keys from {@code key} and values from {@code value}
   * (N, Lk, Dk); {@code keyMask} (N, Lk) with 1 for real and 0 for padded keys, or null.
   */
  NDArray apply(ParameterStore ps, NDArray query, NDArray key, NDArray value, NDArray keyMask, boolean training) {
    NDArray qx = q.apply(ps, query, training);
    NDArray kx = k.apply(ps, key, training);
    NDArray vx = v.apply(ps, value, training);
    return out.apply(ps, attend(qx, kx, vx, keyMask), training);
  }

  private NDArray attend(NDArray qx, NDArray kx, NDArray vx, NDArray keyMask) {
    long n = qx.getShape().get(0);
    long lq = qx.getShape().get(1);
    long lk = kx.getShape().get(1);
    int dh = inner / heads;
    // the 1 / sqrt(dh) scale goes on the queries, Lk / dh times fewer multiplications than on the scores
    NDArray qh = qx.mul(1.0 / Math.sqrt(dh)).reshape(n, lq, heads, dh).transpose(0, 2, 1, 3);
    NDArray kh = kx.reshape(n, lk, heads, dh).transpose(0, 2, 3, 1);
    NDArray vh = vx.reshape(n, lk, heads, dh).transpose(0, 2, 1, 3);
    NDArray scores = qh.matMul(kh);
    if (keyMask != null) {
      // padded keys get a large negative score (BERT's extended attention mask)
      scores = scores.add(keyMask.toType(scores.getDataType(), false).sub(1).mul(1e9f).reshape(n, 1, 1, lk));
    }
    NDArray ctx = scores.softmax(-1).matMul(vh);
    return ctx.transpose(0, 2, 1, 3).reshape(n, lq, inner);
  }
}
