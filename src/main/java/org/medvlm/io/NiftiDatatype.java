package org.medvlm.io;

/** The NIfTI datatypes we read and write, with their codes and value ranges. */
public enum NiftiDatatype {
  UINT8(2, 8, 0, 255, true),
  INT16(4, 16, Short.MIN_VALUE, Short.MAX_VALUE, true),
  INT32(8, 32, Integer.MIN_VALUE, Integer.MAX_VALUE, true),
  FLOAT32(16, 32, -Float.MAX_VALUE, Float.MAX_VALUE, false),
  FLOAT64(64, 64, -Double.MAX_VALUE, Double.MAX_VALUE, false),
  INT8(256, 8, Byte.MIN_VALUE, Byte.MAX_VALUE, true),
  UINT16(512, 16, 0, 65535, true),
  UINT32(768, 32, 0, 4294967295.0, true);

  public final int code;
  public final int bitpix;
  public final double min;
  public final double max;
  public final boolean integer;

  NiftiDatatype(int code, int bitpix, double min, double max, boolean integer) {
    this.code = code;
    this.bitpix = bitpix;
    this.min = min;
    this.max = max;
    this.integer = integer;
  }

  public int bytes() {
    return bitpix / 8;
  }

  /** The datatype for a code, or null when we do not support it. */
  public static NiftiDatatype ofCode(int code) {
    for (NiftiDatatype d : values()) if (d.code == code) return d;
    return null;
  }

  /** Parses a name such as "int16" or "float32". */
  public static NiftiDatatype parse(String name) {
    return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
  }

  /** The smallest datatype that stores every value in [min, max] exactly (integers if all are). */
  public static NiftiDatatype smallestFor(double min, double max, boolean allIntegers) {
    if (allIntegers) {
      for (NiftiDatatype d : new NiftiDatatype[] {UINT8, INT16, UINT16, INT32}) {
        if (min >= d.min && max <= d.max) return d;
      }
    }
    return FLOAT32;
  }
}
