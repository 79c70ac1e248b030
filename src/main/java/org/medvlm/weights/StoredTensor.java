package org.medvlm.weights;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.medvlm.BadInputException;

/**
 * One tensor of a checkpoint, not yet converted: its shape, element type and a little-endian view
 * of the bytes that hold it (a memory-mapped range of a safetensors file, or a PyTorch storage)
 * with an element offset and strides, as PyTorch describes views. Values are converted to float
 * only when asked for.
 */
public final class StoredTensor {
  private final String name;
  private final long[] shape;
  private final DType dtype;
  private final Source source;
  private final long offset;
  private final long[] strides;

  /** Gives the bytes of the tensor's storage on demand (a mapped file range, a zip entry). */
  @FunctionalInterface
  interface Source {
    ByteBuffer bytes() throws java.io.IOException;
  }

  StoredTensor(String name, long[] shape, DType dtype, Source source, long offset, long[] strides) {
    this.name = name;
    this.shape = shape.clone();
    this.dtype = dtype;
    this.source = source;
    this.offset = offset;
    this.strides = strides == null ? contiguousStrides(shape) : strides.clone();
  }

  static long[] contiguousStrides(long[] shape) {
    long[] s = new long[shape.length];
    long acc = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      s[i] = acc;
      acc *= shape[i];
    }
    return s;
  }

  public String name() {
    return name;
  }

  /** Where the bytes come from (shared by views of the same storage). */
  Source source() {
    return source;
  }

  public long[] shape() {
    return shape.clone();
  }

  public DType dtype() {
    return dtype;
  }

  /** Number of elements (the shape's product; 1 for a scalar). */
  public long size() {
    long n = 1;
    for (long d : shape) n *= d;
    return n;
  }

  /** The values in row-major order, converted to float. */
  public float[] toFloats(String file) throws java.io.IOException {
    long n = size();
    if (n > Integer.MAX_VALUE - 8) throw new BadInputException(file, "tensor " + name + " has " + n + " elements, more than one array can hold");
    ByteBuffer b = source.bytes().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[(int) n];
    if (n == 0) return out;
    int size = dtype.size();
    if (dtype == DType.F32 && Arrays.equals(strides, contiguousStrides(shape))) {
      b.position(Math.toIntExact(offset * size));
      b.asFloatBuffer().get(out);
      return out;
    }
    int[] idx = new int[shape.length];
    for (int i = 0; i < out.length; i++) {
      long e = offset;
      for (int d = 0; d < shape.length; d++) e += idx[d] * strides[d];
      out[i] = dtype.read(b, Math.toIntExact(e * size));
      for (int d = shape.length - 1; d >= 0; d--) {
        if (++idx[d] < shape[d]) break;
        idx[d] = 0;
      }
    }
    return out;
  }

  /** The shape as {@code [a, b, c]}. */
  public static String shapeText(long[] shape) {
    return Arrays.toString(shape);
  }
}
