package org.medvlm.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.medvlm.BadInputException;
import org.medvlm.volume.Geometry;

/**
 * The fields of a NIfTI-1 (348-byte) or NIfTI-2 (540-byte) header that matter for a scalar 3D
 * volume, with the checks of nibabel and nifti_clib and some stricter ones. Byte offsets live here
 * and nowhere else.
 */
final class NiftiHeader {
  static final int NIFTI1_SIZE = 348;
  static final int NIFTI2_SIZE = 540;
  private static final byte[] MAGIC2 = {'n', '+', '2', 0, '\r', '\n', 0x1a, '\n'};

  int version; // 1 or 2
  ByteOrder order;
  long[] dim = new long[8];
  NiftiDatatype datatype;
  double[] pixdim = new double[8];
  double voxOffset;
  double sclSlope;
  double sclInter;
  int qformCode;
  int sformCode;
  double[] quatern = new double[6]; // b, c, d, qoffset x, y, z
  double[][] srow = new double[3][4];
  int xyztUnits;
  String descrip = "";

  /** Size of the header for a file of this version (the data may start later). */
  int headerSize() {
    return version == 2 ? NIFTI2_SIZE : NIFTI1_SIZE;
  }

  /**
   * Parses and validates a header. {@code bytes} holds at least the first 540 bytes of the file
   * or all of it if shorter.
   */
  static NiftiHeader parse(byte[] bytes, int length, Path file) throws BadInputException {
    if (length < 4) throw new BadInputException(file, "not a NIfTI file: too short (" + length + " bytes)");
    ByteBuffer b = ByteBuffer.wrap(bytes, 0, length);
    NiftiHeader h = new NiftiHeader();
    int le = b.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
    int be = b.order(ByteOrder.BIG_ENDIAN).getInt(0);
    if (le == NIFTI1_SIZE || le == NIFTI2_SIZE) {
      h.order = ByteOrder.LITTLE_ENDIAN;
      h.version = le == NIFTI1_SIZE ? 1 : 2;
    } else if (be == NIFTI1_SIZE || be == NIFTI2_SIZE) {
      h.order = ByteOrder.BIG_ENDIAN;
      h.version = be == NIFTI1_SIZE ? 1 : 2;
    } else {
      throw new BadInputException(file, "not a NIfTI file: sizeof_hdr is " + le + " (expected 348 or 540)");
    }
    if (length < h.headerSize()) {
      throw new BadInputException(file, "truncated: header needs " + h.headerSize() + " bytes, file has " + length);
    }
    b.order(h.order);
    if (h.version == 1) h.readV1(b, file);
    else h.readV2(b, file);
    h.validate(file);
    return h;
  }

  private void readV1(ByteBuffer b, Path file) throws BadInputException {
    String magic = new String(bytes(b, 344, 4), StandardCharsets.ISO_8859_1);
    if (magic.equals("ni1\0")) {
      throw new BadInputException(file, "is the header of a .hdr/.img pair, which is not supported: convert it to a single .nii file");
    }
    if (!magic.equals("n+1\0")) throw new BadInputException(file, "not a NIfTI-1 file: bad magic " + printable(magic));
    for (int i = 0; i < 8; i++) dim[i] = b.getShort(40 + 2 * i);
    int code = b.getShort(70);
    int bitpix = b.getShort(72);
    datatype = checkDatatype(code, bitpix, file);
    for (int i = 0; i < 8; i++) pixdim[i] = b.getFloat(76 + 4 * i);
    voxOffset = b.getFloat(108);
    sclSlope = b.getFloat(112);
    sclInter = b.getFloat(116);
    xyztUnits = b.get(123) & 0xff;
    descrip = cString(bytes(b, 148, 80));
    qformCode = b.getShort(252);
    sformCode = b.getShort(254);
    for (int i = 0; i < 6; i++) quatern[i] = b.getFloat(256 + 4 * i);
    for (int r = 0; r < 3; r++) for (int c = 0; c < 4; c++) srow[r][c] = b.getFloat(280 + 16 * r + 4 * c);
  }

  private void readV2(ByteBuffer b, Path file) throws BadInputException {
    byte[] magic = bytes(b, 4, 8);
    if (!java.util.Arrays.equals(magic, MAGIC2)) {
      throw new BadInputException(file, "not a NIfTI-2 file: bad magic " + printable(new String(magic, StandardCharsets.ISO_8859_1)));
    }
    int code = b.getShort(12);
    int bitpix = b.getShort(14);
    datatype = checkDatatype(code, bitpix, file);
    for (int i = 0; i < 8; i++) dim[i] = b.getLong(16 + 8 * i);
    for (int i = 0; i < 8; i++) pixdim[i] = b.getDouble(104 + 8 * i);
    long off = b.getLong(168);
    voxOffset = off;
    sclSlope = b.getDouble(176);
    sclInter = b.getDouble(184);
    descrip = cString(bytes(b, 240, 80));
    qformCode = b.getInt(344);
    sformCode = b.getInt(348);
    for (int i = 0; i < 6; i++) quatern[i] = b.getDouble(352 + 8 * i);
    for (int r = 0; r < 3; r++) for (int c = 0; c < 4; c++) srow[r][c] = b.getDouble(400 + 32 * r + 8 * c);
    xyztUnits = b.getInt(500);
  }

  private static NiftiDatatype checkDatatype(int code, int bitpix, Path file) throws BadInputException {
    NiftiDatatype d = NiftiDatatype.ofCode(code);
    if (d == null) throw new BadInputException(file, "unsupported NIfTI datatype " + code + " (supported: uint8, int8, int16, uint16, int32, uint32, float32, float64)");
    if (bitpix != d.bitpix) throw new BadInputException(file, "datatype " + d.name().toLowerCase() + " needs bitpix " + d.bitpix + ", header says " + bitpix);
    return d;
  }

  private void validate(Path file) throws BadInputException {
    long n = dim[0];
    if (n < 1 || n > 7) throw new BadInputException(file, "dim[0] is " + n + ", must be 1 to 7");
    for (int i = 1; i <= n; i++) {
      if (dim[i] <= 0) throw new BadInputException(file, "dim[" + i + "] is " + dim[i] + ", sizes must be positive");
    }
    for (int i = 4; i <= n; i++) {
      if (dim[i] != 1) throw new BadInputException(file, "has " + dim[i] + " entries along dimension " + i + "; only 3D volumes (or 4D with one volume) are supported, split it first");
    }
    long voxels = 1;
    for (int i = 1; i <= Math.min(3, n); i++) {
      try {
        voxels = Math.multiplyExact(voxels, dim[i]);
      } catch (ArithmeticException e) {
        voxels = Long.MAX_VALUE;
      }
    }
    if (voxels > Integer.MAX_VALUE - 8) throw new BadInputException(file, "too large: " + voxels + " voxels (at most 2^31 - 9)");
    if (!Double.isFinite(voxOffset)) throw new BadInputException(file, "vox_offset is not a finite number");
    int minOffset = headerSize() + 4;
    if (voxOffset < minOffset) throw new BadInputException(file, "vox_offset " + fmt(voxOffset) + " lies inside the header (must be at least " + minOffset + ")");
    if (voxOffset != Math.rint(voxOffset)) throw new BadInputException(file, "vox_offset " + voxOffset + " is not a whole number of bytes");
    if (Double.isInfinite(sclSlope)) throw new BadInputException(file, "scl_slope is infinite");
    if (hasScaling() && !Double.isFinite(sclInter)) throw new BadInputException(file, "scl_slope is " + fmt(sclSlope) + " but scl_inter is not a finite number");
  }

  int[] dims3() {
    return new int[] {(int) dim[1], (int) (dim[0] >= 2 ? dim[2] : 1), (int) (dim[0] >= 3 ? dim[3] : 1)};
  }

  long voxelCount() {
    int[] d = dims3();
    return (long) d[0] * d[1] * d[2];
  }

  long dataBytes() {
    return voxelCount() * datatype.bytes();
  }

  /** NIfTI: a slope of 0 (or NaN, as nibabel) means "no scaling". */
  boolean hasScaling() {
    return sclSlope != 0 && !Double.isNaN(sclSlope) && !(sclSlope == 1 && sclInter == 0);
  }

  /** The index-to-world affine: sform if its code is set, else qform, else pixdim (NIfTI method 1). */
  Geometry geometry(Path file) throws BadInputException {
    Geometry g;
    if (sformCode > 0) {
      for (double[] row : srow) for (double v : row) if (!Double.isFinite(v)) throw new BadInputException(file, "sform has a non-finite entry");
      g = Geometry.fromAffine(srow);
    } else if (qformCode > 0) {
      g = qformGeometry(file);
    } else {
      double[] s = spacingFromPixdim(file);
      g = Geometry.of(s, new double[3]);
    }
    double[] s = g.spacing();
    for (int a = 0; a < 3; a++) {
      if (!(s[a] > 0) || !Double.isFinite(s[a])) throw new BadInputException(file, "voxel spacing along axis " + a + " is " + fmt(s[a]) + ", must be positive and finite");
    }
    return g;
  }

  private double[] spacingFromPixdim(Path file) throws BadInputException {
    double[] s = new double[3];
    for (int a = 0; a < 3; a++) {
      s[a] = pixdim[a + 1];
      if (!(s[a] > 0) || !Double.isFinite(s[a])) throw new BadInputException(file, "pixdim[" + (a + 1) + "] is " + fmt(s[a]) + ", voxel spacing must be positive and finite");
    }
    return s;
  }

  private Geometry qformGeometry(Path file) throws BadInputException {
    for (double v : quatern) if (!Double.isFinite(v)) throw new BadInputException(file, "qform has a non-finite entry");
    double[] s = spacingFromPixdim(file);
    double qfac = pixdim[0] == 0 ? 1 : pixdim[0];
    if (qfac != 1 && qfac != -1) throw new BadInputException(file, "qfac (pixdim[0]) is " + fmt(qfac) + ", must be 1 or -1");
    double x = quatern[0], y = quatern[1], z = quatern[2];
    double w2 = 1 - (x * x + y * y + z * z);
    // As nibabel: small negative w^2 from float32 rounding means w = 0; larger means a bad quaternion.
    if (w2 < -3 * Math.ulp(1f)) throw new BadInputException(file, "qform quaternion (b, c, d) has norm above 1");
    double w = w2 < 0 ? 0 : Math.sqrt(w2);
    double nq = w * w + x * x + y * y + z * z;
    double f = 2.0 / nq;
    double xs = x * f, ys = y * f, zs = z * f;
    double wx = w * xs, wy = w * ys, wz = w * zs;
    double xx = x * xs, xy = x * ys, xz = x * zs;
    double yy = y * ys, yz = y * zs, zz = z * zs;
    double[][] r = {
      {1 - (yy + zz), xy - wz, xz + wy},
      {xy + wz, 1 - (xx + zz), yz - wx},
      {xz - wy, yz + wx, 1 - (xx + yy)}
    };
    double[][] a = new double[3][4];
    for (int row = 0; row < 3; row++) {
      a[row][0] = r[row][0] * s[0];
      a[row][1] = r[row][1] * s[1];
      a[row][2] = r[row][2] * s[2] * qfac;
      a[row][3] = quatern[3 + row];
    }
    return Geometry.fromAffine(a);
  }

  /** Sets sform (exact) and qform (closest rotation) from an affine, as a writer would. */
  void setGeometry(Geometry g) {
    double[][] a = g.affine();
    for (int r = 0; r < 3; r++) srow[r] = a[r].clone();
    double[] s = g.spacing();
    double[][] d = g.direction();
    double det = d[0][0] * (d[1][1] * d[2][2] - d[1][2] * d[2][1])
        - d[0][1] * (d[1][0] * d[2][2] - d[1][2] * d[2][0])
        + d[0][2] * (d[1][0] * d[2][1] - d[1][1] * d[2][0]);
    double qfac = det < 0 ? -1 : 1;
    if (qfac < 0) for (int r = 0; r < 3; r++) d[r][2] = -d[r][2];
    double[] q = rotationToQuaternion(d);
    quatern[0] = q[1];
    quatern[1] = q[2];
    quatern[2] = q[3];
    for (int r = 0; r < 3; r++) quatern[3 + r] = a[r][3];
    pixdim[0] = qfac;
    for (int i = 0; i < 3; i++) pixdim[i + 1] = s[i];
  }

  /** Unit quaternion (w, x, y, z) with w >= 0 of a rotation matrix (Shepperd's method). */
  private static double[] rotationToQuaternion(double[][] m) {
    double tr = m[0][0] + m[1][1] + m[2][2];
    double w, x, y, z;
    if (tr > 0) {
      double s = Math.sqrt(tr + 1) * 2;
      w = 0.25 * s;
      x = (m[2][1] - m[1][2]) / s;
      y = (m[0][2] - m[2][0]) / s;
      z = (m[1][0] - m[0][1]) / s;
    } else if (m[0][0] > m[1][1] && m[0][0] > m[2][2]) {
      double s = Math.sqrt(1 + m[0][0] - m[1][1] - m[2][2]) * 2;
      w = (m[2][1] - m[1][2]) / s;
      x = 0.25 * s;
      y = (m[0][1] + m[1][0]) / s;
      z = (m[0][2] + m[2][0]) / s;
    } else if (m[1][1] > m[2][2]) {
      double s = Math.sqrt(1 + m[1][1] - m[0][0] - m[2][2]) * 2;
      w = (m[0][2] - m[2][0]) / s;
      x = (m[0][1] + m[1][0]) / s;
      y = 0.25 * s;
      z = (m[1][2] + m[2][1]) / s;
    } else {
      double s = Math.sqrt(1 + m[2][2] - m[0][0] - m[1][1]) * 2;
      w = (m[1][0] - m[0][1]) / s;
      x = (m[0][2] + m[2][0]) / s;
      y = (m[1][2] + m[2][1]) / s;
      z = 0.25 * s;
    }
    double norm = Math.sqrt(w * w + x * x + y * y + z * z);
    double sign = w < 0 ? -1 : 1;
    return new double[] {sign * w / norm, sign * x / norm, sign * y / norm, sign * z / norm};
  }

  /** Serialises as a little-endian single-file header (version 1 or 2), extension flag included. */
  byte[] toBytes() {
    int size = headerSize();
    ByteBuffer b = ByteBuffer.allocate(size + 4).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0, size);
    if (version == 1) {
      b.put(38, (byte) 'r');
      for (int i = 0; i < 8; i++) b.putShort(40 + 2 * i, (short) dim[i]);
      b.putShort(70, (short) datatype.code);
      b.putShort(72, (short) datatype.bitpix);
      for (int i = 0; i < 8; i++) b.putFloat(76 + 4 * i, (float) pixdim[i]);
      b.putFloat(108, (float) voxOffset);
      b.putFloat(112, (float) sclSlope);
      b.putFloat(116, (float) sclInter);
      b.put(123, (byte) xyztUnits);
      putString(b, 148, 80, descrip);
      b.putShort(252, (short) qformCode);
      b.putShort(254, (short) sformCode);
      for (int i = 0; i < 6; i++) b.putFloat(256 + 4 * i, (float) quatern[i]);
      for (int r = 0; r < 3; r++) for (int c = 0; c < 4; c++) b.putFloat(280 + 16 * r + 4 * c, (float) srow[r][c]);
      putString(b, 344, 4, "n+1");
    } else {
      for (int i = 0; i < 8; i++) b.put(4 + i, MAGIC2[i]);
      b.putShort(12, (short) datatype.code);
      b.putShort(14, (short) datatype.bitpix);
      for (int i = 0; i < 8; i++) b.putLong(16 + 8 * i, dim[i]);
      for (int i = 0; i < 8; i++) b.putDouble(104 + 8 * i, pixdim[i]);
      b.putLong(168, (long) voxOffset);
      b.putDouble(176, sclSlope);
      b.putDouble(184, sclInter);
      putString(b, 240, 80, descrip);
      b.putInt(344, qformCode);
      b.putInt(348, sformCode);
      for (int i = 0; i < 6; i++) b.putDouble(352 + 8 * i, quatern[i]);
      for (int r = 0; r < 3; r++) for (int c = 0; c < 4; c++) b.putDouble(400 + 32 * r + 8 * c, srow[r][c]);
      b.putInt(500, xyztUnits);
    }
    return b.array();
  }

  private static byte[] bytes(ByteBuffer b, int off, int len) {
    byte[] out = new byte[len];
    for (int i = 0; i < len; i++) out[i] = b.get(off + i);
    return out;
  }

  private static String cString(byte[] raw) {
    int n = 0;
    while (n < raw.length && raw[n] != 0) n++;
    return new String(raw, 0, n, StandardCharsets.ISO_8859_1);
  }

  private static void putString(ByteBuffer b, int off, int max, String s) {
    byte[] raw = s.getBytes(StandardCharsets.ISO_8859_1);
    for (int i = 0; i < Math.min(raw.length, max - 1); i++) b.put(off + i, raw[i]);
  }

  private static String printable(String s) {
    StringBuilder sb = new StringBuilder("'");
    for (char c : s.toCharArray()) sb.append(c >= 32 && c < 127 ? String.valueOf(c) : String.format("\\x%02x", (int) c));
    return sb.append("'").toString();
  }

  static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
  }
}
