package org.medvlm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * The 2D U-Net of Ronneberger et al.: per level two 3 x 3 convolutions with batch norm and ReLU,
 * 2 x 2 max pooling down; up: nearest-neighbour 2x upsampling and a 1 x 1 convolution halving the
 * channels (DJL's PyTorch engine has no transposed convolution), skip connections by
 * concatenation, and a 1 x 1 convolution to per-class logits. Input (N, C, H, W) with H and W divisible by
 * 2^depth; output (N, classes, H, W).
 */
public final class UNet extends AbstractBlock {
  private static final byte VERSION = 1;

  private final UNetConfig config;
  private final List<Block> down = new ArrayList<>();
  private final List<Block> up = new ArrayList<>();
  private final List<Block> merge = new ArrayList<>();
  private final Block bottom;
  private final Block head;
  private final Block pool = Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2));

  public UNet(UNetConfig config) {
    super(VERSION);
    this.config = config;
    int w = config.width();
    for (int level = 0; level < config.depth(); level++) {
      down.add(addChildBlock("down" + level, doubleConv(w << level)));
    }
    bottom = addChildBlock("bottom", doubleConv(w << config.depth()));
    for (int level = config.depth() - 1; level >= 0; level--) {
      up.add(addChildBlock("up" + level, Conv2d.builder().setFilters(w << level).setKernelShape(new Shape(1, 1)).build()));
      merge.add(addChildBlock("merge" + level, doubleConv(w << level)));
    }
    head = addChildBlock("head", Conv2d.builder().setFilters(config.classes()).setKernelShape(new Shape(1, 1)).build());
  }

  public UNetConfig config() {
    return config;
  }

  private static Block doubleConv(int channels) {
    SequentialBlock b = new SequentialBlock();
    for (int i = 0; i < 2; i++) {
      b.add(Conv2d.builder().setFilters(channels).setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).optBias(false).build())
          .add(BatchNorm.builder().build())
          .add(Activation.reluBlock());
    }
    return b;
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.head();
    List<NDArray> skips = new ArrayList<>();
    for (Block d : down) {
      x = d.forward(ps, new NDList(x), training).head();
      skips.add(x);
      x = pool.forward(ps, new NDList(x), training).head();
    }
    x = bottom.forward(ps, new NDList(x), training).head();
    for (int i = 0; i < up.size(); i++) {
      x = up.get(i).forward(ps, new NDList(x.repeat(2, 2).repeat(3, 2)), training).head();
      x = NDArrays.concat(new NDList(skips.get(skips.size() - 1 - i), x), 1);
      x = merge.get(i).forward(ps, new NDList(x), training).head();
    }
    return new NDList(head.forward(ps, new NDList(x), training).head());
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape s = inputShapes[0];
    return new Shape[] {new Shape(s.get(0), config.classes(), s.get(2), s.get(3))};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape s = inputShapes[0];
    long n = s.get(0), h = s.get(2), w = s.get(3);
    long div = 1L << config.depth();
    if (h % div != 0 || w % div != 0) {
      throw new IllegalArgumentException("input " + h + " x " + w + " must be divisible by " + div + " for a U-Net of depth " + config.depth());
    }
    Shape cur = s;
    for (int level = 0; level < down.size(); level++) {
      down.get(level).initialize(manager, dataType, cur);
      cur = new Shape(n, (long) config.width() << level, h >> (level + 1), w >> (level + 1));
    }
    bottom.initialize(manager, dataType, cur);
    cur = bottom.getOutputShapes(new Shape[] {cur})[0];
    for (int i = 0; i < up.size(); i++) {
      int level = config.depth() - 1 - i;
      up.get(i).initialize(manager, dataType, new Shape(cur.get(0), cur.get(1), cur.get(2) * 2, cur.get(3) * 2));
      long c = (long) config.width() << level;
      Shape merged = new Shape(n, 2 * c, h >> level, w >> level);
      merge.get(i).initialize(manager, dataType, merged);
      cur = new Shape(n, c, h >> level, w >> level);
    }
    head.initialize(manager, dataType, cur);
  }
}
