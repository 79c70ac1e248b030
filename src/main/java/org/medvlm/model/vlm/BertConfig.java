package org.medvlm.model.vlm;

/**
 * A BERT encoder as HuggingFace's {@code config.json} describes it.
 *
 * @param vocabSize word-piece vocabulary size
 * @param hidden width
 * @param layers number of post-norm transformer layers
 * @param heads attention heads
 * @param intermediate MLP width
 * @param maxPositions learned positions (the longest input, in tokens)
 * @param typeVocab token types (segments)
 */
public record BertConfig(int vocabSize, int hidden, int layers, int heads, int intermediate, int maxPositions, int typeVocab) {
  public static final float EPS = 1e-12f;

  public BertConfig {
    if (hidden % heads != 0) throw new IllegalArgumentException("BERT width " + hidden + " is not divisible by " + heads + " heads");
    if (vocabSize < 5 || maxPositions < 2) throw new IllegalArgumentException("BERT vocabulary and positions too small");
  }

  /** dmis-lab/biobert-base-cased-v1.1. */
  public static BertConfig bioBertBase() {
    return new BertConfig(28996, 768, 12, 12, 3072, 512, 2);
  }

  /** sentence-transformers/all-MiniLM-L6-v2. */
  public static BertConfig miniLmL6() {
    return new BertConfig(30522, 384, 6, 12, 1536, 512, 2);
  }

  public BertConfig withVocabSize(int size) {
    return new BertConfig(size, hidden, layers, heads, intermediate, maxPositions, typeVocab);
  }
}
