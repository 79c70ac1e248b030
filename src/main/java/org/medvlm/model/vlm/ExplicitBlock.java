package org.medvlm.model.vlm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * Base of the Med-VLM layers: every parameter has its shape fixed at construction (no shape
 * inference from a sample input), so a block is initialised by {@code initialize(manager, type)}
 * with any input shape, and its parameter names and shapes are those of the reference
 * implementations (timm, HuggingFace) that pretrained weights come from. Layers are called
 * through typed methods rather than {@link #forward}, which only the top-level model supports.
 */
abstract class ExplicitBlock extends AbstractBlock {
  ExplicitBlock() {
    super((byte) 1);
  }

  protected final Parameter param(String name, Shape shape, Initializer init) {
    return addParameter(Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).optShape(shape).optInitializer(init).build());
  }

  /** Adds a child to this block (also usable on plain containers built by the enclosing layer). */
  final <B extends Block> B child(String name, B block) {
    return addChildBlock(name, block);
  }

  /**
   * Moves an array derived from a parameter (a reshape, a broadcast, a lookup) into the manager
   * of {@code like}, the layer's input: results of an operation belong to its first operand's
   * manager, so without this they would pile up in the parameters' long-lived manager.
   */
  protected static NDArray local(NDArray derived, NDArray like) {
    derived.attach(like.getManager());
    return derived;
  }

  /**
   * Runs one layer with its intermediates in a manager of their own, freed as soon as the layer's
   * output exists (DJL frees arrays only with their manager: otherwise every intermediate of a
   * 12-layer encoder lives until the caller's manager closes, 2.4 GB for ViT-B on 8 slices).
   * Only at inference; training keeps them for the backward pass. Arrays derived from
   * {@code x} belong to the scope; other inputs of the layer stay where they are.
   */
  protected static NDArray scoped(NDArray x, boolean training, java.util.function.UnaryOperator<NDArray> layer) {
    if (training) return layer.apply(x);
    NDManager outer = x.getManager();
    try (NDManager scope = outer.newSubManager()) {
      x.tempAttach(scope); // back to outer when the scope closes
      NDArray y = layer.apply(x);
      y.attach(outer);
      return y;
    }
  }

  protected static NDArray value(ParameterStore ps, Parameter p, NDArray like, boolean training) {
    return ps.getValue(p, like.getDevice(), training);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    for (Block child : children.values()) child.initialize(manager, dataType, inputShapes);
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " is called through its typed methods");
  }

  /**
   * No single shape describes a layer called through typed methods (an encoder returns token
   * states and pooled vectors; the decoder masks and presence scores); its methods document
   * theirs. Answering the input's shapes, as before, would have been wrong for almost every layer.
   */
  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " is called through its typed methods, whose output shapes differ by method");
  }
}
