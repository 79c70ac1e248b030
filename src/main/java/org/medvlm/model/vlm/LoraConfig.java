package org.medvlm.model.vlm;

/**
 * Low-rank adaptation of a frozen linear layer (Hu et al. 2021): y = W x + (alpha / rank) B A
 * dropout(x), with A (rank x in) random and B (out x rank) zero at the start, so an untrained
 * adapter changes nothing.
 *
 * @param rank r; 0 disables LoRA
 * @param alpha scaling numerator
 * @param dropout dropout on the adapter's input during training
 * @param qkv adapt the query, key and value projections (ViT: the fused qkv layer)
 * @param out adapt the attention output projection
 */
public record LoraConfig(int rank, float alpha, float dropout, boolean qkv, boolean out) {
  public LoraConfig {
    if (rank < 0) throw new IllegalArgumentException("LoRA rank must be >= 0");
    if (dropout < 0 || dropout >= 1) throw new IllegalArgumentException("LoRA dropout must be in [0, 1)");
  }

  public static LoraConfig none() {
    return new LoraConfig(0, 1, 0, false, false);
  }

  public float scale() {
    return rank == 0 ? 0 : alpha / rank;
  }
}
