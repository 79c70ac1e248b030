package org.medvlm.model.vlm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import java.util.ArrayList;
import java.util.List;

/**
 * The text encoder: HuggingFace's BertModel (word, position and token-type embeddings with
 * LayerNorm; post-norm layers of self-attention and a GELU MLP; LayerNorm eps 1e-12; the pooler's
 * dense layer is kept so checkpoints load strictly). Returns the token states for
 * cross-attention and a pooled sentence vector: the mean of the real tokens' states, as
 * sentence-transformers pools MiniLM.
 */
public final class BertEncoder extends ExplicitBlock {
  private final BertConfig config;
  private final Parameter wordEmbeddings;
  private final Parameter positionEmbeddings;
  private final Parameter tokenTypeEmbeddings;
  private final Norm embeddingNorm;
  private final List<Layer> layers = new ArrayList<>();
  private final LoraLinear poolerDense;

  /** Token states (N, L, H) and pooled vectors (N, H). */
  public record Output(NDArray states, NDArray pooled) {}

  static final class Layer extends ExplicitBlock {
    final Attention attention;
    final Norm attentionNorm;
    final LoraLinear intermediate;
    final LoraLinear output;
    final Norm outputNorm;

    Layer(BertConfig c, LoraConfig lora) {
      attention = addChildBlock("attention", Attention.bert(c.hidden(), c.heads(), lora));
      attentionNorm = addChildBlock("attention_norm", new Norm(c.hidden(), BertConfig.EPS));
      intermediate = addChildBlock("intermediate", LoraLinear.encoder(c.hidden(), c.intermediate(), null));
      output = addChildBlock("output", LoraLinear.encoder(c.intermediate(), c.hidden(), null));
      outputNorm = addChildBlock("output_norm", new Norm(c.hidden(), BertConfig.EPS));
    }

    NDArray apply(ParameterStore ps, NDArray x, NDArray mask, boolean training) {
      x = attentionNorm.apply(ps, x.add(attention.self(ps, x, mask, training)), training);
      NDArray h = Activation.gelu(intermediate.apply(ps, x, training));
      return outputNorm.apply(ps, x.add(output.apply(ps, h, training)), training);
    }
  }

  public BertEncoder(BertConfig config, LoraConfig lora) {
    this.config = config;
    int h = config.hidden();
    ExplicitBlock embeddings = new ExplicitBlock() {};
    NormalInitializer init = new NormalInitializer(0.02f);
    wordEmbeddings = embeddings.child("word_embeddings", new ExplicitBlock() {}).param("weight", new Shape(config.vocabSize(), h), init);
    positionEmbeddings = embeddings.child("position_embeddings", new ExplicitBlock() {}).param("weight", new Shape(config.maxPositions(), h), init);
    tokenTypeEmbeddings = embeddings.child("token_type_embeddings", new ExplicitBlock() {}).param("weight", new Shape(config.typeVocab(), h), init);
    embeddingNorm = embeddings.child("LayerNorm", new Norm(h, BertConfig.EPS));
    addChildBlock("embeddings", embeddings);
    ExplicitBlock list = new ExplicitBlock() {};
    for (int i = 0; i < config.layers(); i++) layers.add(list.child(Integer.toString(i), new Layer(config, lora)));
    addChildBlock("layer", list);
    ExplicitBlock pooler = new ExplicitBlock() {};
    poolerDense = pooler.child("dense", LoraLinear.encoder(h, h, null));
    addChildBlock("pooler", pooler);
  }

  public BertConfig config() {
    return config;
  }

  /**
   * @param ids token ids (N, L), int32 or int64
   * @param mask 1 for real tokens, 0 for padding (N, L)
   */
  public Output encode(ParameterStore ps, NDArray ids, NDArray mask, boolean training) {
    long n = ids.getShape().get(0);
    long len = ids.getShape().get(1);
    if (len > config.maxPositions()) throw new IllegalArgumentException(len + " tokens exceed the encoder's " + config.maxPositions() + " positions");
    int h = config.hidden();
    NDArray flat = ids.toType(DataType.INT64, false).reshape(-1);
    NDArray words = local(value(ps, wordEmbeddings, ids, training).get(new NDIndex("{}", flat)), ids).reshape(n, len, h);
    NDArray positions = local(value(ps, positionEmbeddings, ids, training).get(new NDIndex("0:{}", len)), ids);
    NDArray types = local(value(ps, tokenTypeEmbeddings, ids, training).get(new NDIndex("0:1")), ids);
    NDArray x = embeddingNorm.apply(ps, words.add(positions).add(types), training);
    for (Layer l : layers) x = scoped(x, training, in -> l.apply(ps, in, mask, training));
    NDArray m = mask.toType(x.getDataType(), false).expandDims(2);
    NDArray pooled = x.mul(m).sum(new int[] {1}).div(m.sum(new int[] {1}).maximum(1f));
    return new Output(x, pooled);
  }

  /**
   * BERT's own sentence vector, tanh(dense(state of [CLS])) (HuggingFace's {@code pooler_output}),
   * for feature extraction; Med-VLM itself uses the mean-pooled vector.
   */
  public NDArray pooler(ParameterStore ps, NDArray states, boolean training) {
    return poolerDense.apply(ps, states.get(":, 0, :"), training).tanh();
  }
}
