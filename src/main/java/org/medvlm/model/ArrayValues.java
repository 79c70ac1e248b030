package org.medvlm.model;

import ai.djl.ndarray.NDArray;

/** Writing values into existing arrays (loaded weights, restored optimiser state). */
public final class ArrayValues {
  private ArrayValues() {}

  /**
   * Replaces the values of {@code dest} (finite, as every initialised array is) by {@code values},
   * in place, exactly. In-place arithmetic rather than {@code NDArray.set}: DJL's native copy runs
   * under PyTorch's deprecated AutoNonVariableTypeMode, which prints a C++ warning as the first
   * line of stderr.
   */
  public static void overwrite(NDArray dest, float[] values) {
    try (NDArray src = dest.getManager().create(values, dest.getShape())) {
      dest.muli(0).addi(src);
    }
  }
}
