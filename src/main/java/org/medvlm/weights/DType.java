package org.medvlm.weights;

import java.nio.ByteBuffer;
import java.util.Locale;

/** Element types of stored tensors, with their names in safetensors and in PyTorch storages. */
public enum DType {
  F64(8, "DoubleStorage"),
  F32(4, "FloatStorage"),
  F16(2, "HalfStorage"),
  BF16(2, "BFloat16Storage"),
  I64(8, "LongStorage"),
  I32(4, "IntStorage"),
  I16(2, "ShortStorage"),
  I8(1, "CharStorage"),
  U8(1, "ByteStorage"),
  BOOL(1, "BoolStorage");

  private final int size;
  private final String torchStorage;

  DType(int size, String torchStorage) {
    this.size = size;
    this.torchStorage = torchStorage;
  }

  /** Bytes per element. */
  public int size() {
    return size;
  }

  /** The safetensors dtype of that name, or null for an unknown one. */
  static DType ofSafetensors(String name) {
    for (DType t : values()) if (t.name().equals(name)) return t;
    return null;
  }

  /** The type of a PyTorch storage class ({@code torch.FloatStorage} ...), or null. */
  static DType ofTorchStorage(String className) {
    for (DType t : values()) if (t.torchStorage.equals(className)) return t;
    return null;
  }

  /** Whether the type holds floating-point weights (the others hold indices and flags). */
  public boolean isFloat() {
    return this == F64 || this == F32 || this == F16 || this == BF16;
  }

  /** Reads the element at byte {@code pos} of a little-endian buffer as a float. */
  float read(ByteBuffer b, int pos) {
    return switch (this) {
      case F64 -> (float) b.getDouble(pos);
      case F32 -> b.getFloat(pos);
      case F16 -> halfToFloat(b.getShort(pos));
      case BF16 -> Float.intBitsToFloat((b.getShort(pos) & 0xffff) << 16);
      case I64 -> b.getLong(pos);
      case I32 -> b.getInt(pos);
      case I16 -> b.getShort(pos);
      case I8 -> b.get(pos);
      case U8, BOOL -> b.get(pos) & 0xff;
    };
  }

  /** IEEE 754 binary16 to float (exact: every half is a float). */
  static float halfToFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13)); // inf, NaN
    if (exp == 0) {
      float v = mant * 0x1p-24f; // subnormal or zero
      return sign == 0 ? v : -v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
