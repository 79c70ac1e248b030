package org.medvlm.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Converts raw voxel bytes of a NIfTI datatype into Java arrays. */
final class Decoder {
  private Decoder() {}

  static void toFloats(ByteBuffer raw, ByteOrder order, NiftiDatatype dt, float[] out) {
    ByteBuffer b = raw.duplicate().order(order);
    int n = out.length;
    switch (dt) {
      case UINT8 -> { for (int i = 0; i < n; i++) out[i] = b.get(i) & 0xff; }
      case INT8 -> { for (int i = 0; i < n; i++) out[i] = b.get(i); }
      case INT16 -> { var s = b.asShortBuffer(); for (int i = 0; i < n; i++) out[i] = s.get(i); }
      case UINT16 -> { var s = b.asShortBuffer(); for (int i = 0; i < n; i++) out[i] = s.get(i) & 0xffff; }
      case INT32 -> { var s = b.asIntBuffer(); for (int i = 0; i < n; i++) out[i] = s.get(i); }
      case UINT32 -> { var s = b.asIntBuffer(); for (int i = 0; i < n; i++) out[i] = s.get(i) & 0xffffffffL; }
      case FLOAT32 -> b.asFloatBuffer().get(out);
      case FLOAT64 -> { var s = b.asDoubleBuffer(); for (int i = 0; i < n; i++) out[i] = (float) s.get(i); }
    }
  }

  static void toInts(ByteBuffer raw, ByteOrder order, NiftiDatatype dt, int[] out) {
    ByteBuffer b = raw.duplicate().order(order);
    int n = out.length;
    switch (dt) {
      case UINT8 -> { for (int i = 0; i < n; i++) out[i] = b.get(i) & 0xff; }
      case INT8 -> { for (int i = 0; i < n; i++) out[i] = b.get(i); }
      case INT16 -> { var s = b.asShortBuffer(); for (int i = 0; i < n; i++) out[i] = s.get(i); }
      case UINT16 -> { var s = b.asShortBuffer(); for (int i = 0; i < n; i++) out[i] = s.get(i) & 0xffff; }
      case INT32 -> b.asIntBuffer().get(out);
      default -> throw new IllegalArgumentException("not an int-compatible datatype: " + dt);
    }
  }

  static void toDoubles(ByteBuffer raw, ByteOrder order, NiftiDatatype dt, double[] out) {
    ByteBuffer b = raw.duplicate().order(order);
    int n = out.length;
    switch (dt) {
      case UINT8 -> { for (int i = 0; i < n; i++) out[i] = b.get(i) & 0xff; }
      case INT8 -> { for (int i = 0; i < n; i++) out[i] = b.get(i); }
      case INT16 -> { var s = b.asShortBuffer(); for (int i = 0; i < n; i++) out[i] = s.get(i); }
      case UINT16 -> { var s = b.asShortBuffer(); for (int i = 0; i < n; i++) out[i] = s.get(i) & 0xffff; }
      case INT32 -> { var s = b.asIntBuffer(); for (int i = 0; i < n; i++) out[i] = s.get(i); }
      case UINT32 -> { var s = b.asIntBuffer(); for (int i = 0; i < n; i++) out[i] = s.get(i) & 0xffffffffL; }
      case FLOAT32 -> { var s = b.asFloatBuffer(); for (int i = 0; i < n; i++) out[i] = s.get(i); }
      case FLOAT64 -> b.asDoubleBuffer().get(out);
    }
  }
}
