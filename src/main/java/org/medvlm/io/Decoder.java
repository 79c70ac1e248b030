package org.medvlm.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Converts raw voxel bytes of a NIfTI datatype into Java arrays. Voxels are decoded a chunk at a
 * time into doubles, which hold every NIfTI value exactly, and stored from there; the chunk stays
 * in the CPU's first-level cache, so the extra copy costs little next to reading the file.
 */
final class Decoder {
  private static final int CHUNK = 4096;

  private Decoder() {}

  static void toFloats(ByteBuffer raw, ByteOrder order, NiftiDatatype dt, float[] out) {
    if (dt == NiftiDatatype.FLOAT32) raw.duplicate().order(order).asFloatBuffer().get(out);
    else decode(raw, order, dt, out.length, (start, c, n) -> { for (int i = 0; i < n; i++) out[start + i] = (float) c[i]; });
  }

  static void toInts(ByteBuffer raw, ByteOrder order, NiftiDatatype dt, int[] out) {
    switch (dt) {
      case UINT8, INT8, INT16, UINT16, INT32 -> decode(raw, order, dt, out.length, (start, c, n) -> { for (int i = 0; i < n; i++) out[start + i] = (int) c[i]; });
      default -> throw new IllegalArgumentException("not an int-compatible datatype: " + dt);
    }
  }

  static void toDoubles(ByteBuffer raw, ByteOrder order, NiftiDatatype dt, double[] out) {
    decode(raw, order, dt, out.length, (start, c, n) -> System.arraycopy(c, 0, out, start, n));
  }

  /** Receives voxels {@code start .. start + n - 1} in {@code chunk[0 .. n - 1]}. */
  private interface ChunkSink {
    void put(int start, double[] chunk, int n);
  }

  private static void decode(ByteBuffer raw, ByteOrder order, NiftiDatatype dt, int voxels, ChunkSink sink) {
    ByteBuffer b = raw.duplicate().order(order);
    double[] c = new double[Math.min(CHUNK, voxels)];
    for (int start = 0; start < voxels; start += CHUNK) {
      int n = Math.min(CHUNK, voxels - start);
      chunk(b, dt, start, c, n);
      sink.put(start, c, n);
    }
  }

  /** Voxels {@code start .. start + n - 1} of {@code b} (absolute reads, in its byte order) into {@code c}. */
  private static void chunk(ByteBuffer b, NiftiDatatype dt, int start, double[] c, int n) {
    int at = start * dt.bytes();
    switch (dt) {
      case UINT8 -> { for (int i = 0; i < n; i++) c[i] = b.get(at + i) & 0xff; }
      case INT8 -> { for (int i = 0; i < n; i++) c[i] = b.get(at + i); }
      case INT16 -> { for (int i = 0; i < n; i++) c[i] = b.getShort(at + 2 * i); }
      case UINT16 -> { for (int i = 0; i < n; i++) c[i] = b.getShort(at + 2 * i) & 0xffff; }
      case INT32 -> { for (int i = 0; i < n; i++) c[i] = b.getInt(at + 4 * i); }
      case UINT32 -> { for (int i = 0; i < n; i++) c[i] = b.getInt(at + 4 * i) & 0xffffffffL; }
      case FLOAT32 -> { for (int i = 0; i < n; i++) c[i] = b.getFloat(at + 4 * i); }
      case FLOAT64 -> { for (int i = 0; i < n; i++) c[i] = b.getDouble(at + 8 * i); }
    }
  }
}
