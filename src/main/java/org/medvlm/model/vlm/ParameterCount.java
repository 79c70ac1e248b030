package org.medvlm.model.vlm;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;

/** Trainable and frozen parameter counts of a block, from the parameters' declared shapes. */
public record ParameterCount(long trainable, long frozen) {
  public long total() {
    return trainable + frozen;
  }

  public static ParameterCount of(Block block) {
    long trainable = 0;
    long frozen = 0;
    for (Parameter p : block.getParameters().values()) {
      long n = p.getShape().size();
      if (p.requiresGradient()) trainable += n;
      else frozen += n;
    }
    return new ParameterCount(trainable, frozen);
  }
}
