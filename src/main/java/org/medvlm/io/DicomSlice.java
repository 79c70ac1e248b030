package org.medvlm.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.medvlm.BadInputException;

/** One CT slice of a series: where it lies and its HU values (row-major, columns fastest). */
record DicomSlice(Path file, String seriesUid, int rows, int columns, double[] pixelSpacing, double[] orientation,
    double[] position, int instanceNumber, double sliceStep, float[] hu) {

  /** Largest slice side accepted (clinical CT is 512, sometimes 1024 or 2048). */
  static final int MAX_SIDE = 4096;

  static DicomSlice read(Path file) throws IOException {
    return of(DicomFile.read(file));
  }

  static DicomSlice of(DicomFile f) throws BadInputException {
    Path p = f.path;
    int frames = (int) (f.has(DicomFile.NUMBER_OF_FRAMES) ? f.decimals(DicomFile.NUMBER_OF_FRAMES, 1)[0] : 1);
    if (frames != 1) throw new BadInputException(p, "is a multi-frame image (" + frames + " frames); only single-slice CT series are supported");
    int rows = f.uint16(DicomFile.ROWS, 0), cols = f.uint16(DicomFile.COLUMNS, 0);
    if (rows == 0 || cols == 0) throw new BadInputException(p, "has no image size (Rows/Columns missing or 0)");
    if (rows > MAX_SIDE || cols > MAX_SIDE) {
      throw new BadInputException(p, "image of " + cols + " x " + rows + " exceeds the " + MAX_SIDE + " x " + MAX_SIDE + " limit for a CT slice");
    }
    int samples = f.uint16(DicomFile.SAMPLES_PER_PIXEL, 1);
    if (samples != 1) throw new BadInputException(p, "has " + samples + " samples per pixel; CT must be greyscale");
    int allocated = f.uint16(DicomFile.BITS_ALLOCATED, 0);
    int stored = f.uint16(DicomFile.BITS_STORED, allocated);
    if (allocated != 8 && allocated != 16) throw new BadInputException(p, "BitsAllocated is " + allocated + "; 8 or 16 are supported");
    if (stored < 1 || stored > allocated) throw new BadInputException(p, "BitsStored " + stored + " does not fit BitsAllocated " + allocated);
    boolean signed = f.uint16(DicomFile.PIXEL_REPRESENTATION, 0) == 1;
    double[] spacing = require(f, DicomFile.PIXEL_SPACING, 2, "PixelSpacing");
    if (!(spacing[0] > 0 && spacing[1] > 0)) throw new BadInputException(p, "PixelSpacing must be positive");
    double[] iop = require(f, DicomFile.ORIENTATION, 6, "ImageOrientationPatient");
    double[] ipp = require(f, DicomFile.POSITION, 3, "ImagePositionPatient");
    double[] slopeV = f.decimals(DicomFile.RESCALE_SLOPE, 1);
    double[] interV = f.decimals(DicomFile.RESCALE_INTERCEPT, 1);
    double slope = slopeV == null ? 1 : slopeV[0], inter = interV == null ? 0 : interV[0];
    if (slope == 0) throw new BadInputException(p, "RescaleSlope is 0");
    String uid = f.string(DicomFile.SERIES_UID);
    double[] inst = f.decimals(DicomFile.INSTANCE_NUMBER, 1);
    double step = sliceStep(f);
    int[] raw = f.isJpeg2000() ? jpeg2000(f, rows, cols, allocated, stored, signed) : nativePixels(f, rows, cols, allocated, stored, signed);
    float[] hu = new float[raw.length];
    for (int i = 0; i < raw.length; i++) hu[i] = (float) (raw[i] * slope + inter);
    return new DicomSlice(p, uid == null ? "" : uid, rows, cols, spacing, iop, ipp, inst == null ? 0 : (int) inst[0], step, hu);
  }

  /**
   * The slice spacing the header states for a lone slice: SpacingBetweenSlices, else
   * SliceThickness; NaN when neither is there or positive.
   */
  private static double sliceStep(DicomFile f) throws BadInputException {
    for (int tag : new int[] {DicomFile.SPACING_BETWEEN_SLICES, DicomFile.SLICE_THICKNESS}) {
      double[] v = f.has(tag) ? f.decimals(tag, 1) : null;
      if (v != null && v[0] > 0 && Double.isFinite(v[0])) return v[0];
    }
    return Double.NaN;
  }

  private static double[] require(DicomFile f, int tag, int n, String name) throws BadInputException {
    double[] v = f.decimals(tag, n);
    if (v == null) throw new BadInputException(f.path, "has no " + name + " " + DicomFile.hex(tag));
    return v;
  }

  private static int[] nativePixels(DicomFile f, int rows, int cols, int allocated, int stored, boolean signed) throws BadInputException {
    byte[] px = f.nativePixels;
    if (px == null) throw new BadInputException(f.path, "has no pixel data");
    long expected = (long) rows * cols * (allocated / 8);
    if (px.length != expected && px.length != expected + 1) {
      throw new BadInputException(f.path, "pixel data has " + px.length + " bytes, but " + rows + " rows x " + cols + " columns x " + allocated + " bits need " + expected);
    }
    int n = rows * cols;
    int[] out = new int[n];
    ByteBuffer b = ByteBuffer.wrap(px).order(f.order);
    int mask = stored == 32 ? -1 : (1 << stored) - 1;
    int shift = 32 - stored;
    for (int i = 0; i < n; i++) {
      int v = allocated == 16 ? b.getShort(2 * i) & 0xffff : b.get(i) & 0xff;
      out[i] = signed ? (v << shift) >> shift : v & mask;
    }
    return out;
  }

  private static int[] jpeg2000(DicomFile f, int rows, int cols, int allocated, int stored, boolean signed) throws BadInputException {
    if (f.fragments == null) throw new BadInputException(f.path, "JPEG 2000 transfer syntax but the pixel data is not encapsulated");
    byte[] cs = concat(f.fragments);
    Jpeg2000.Siz siz = Jpeg2000.siz(cs, f.path);
    if (siz.width() != cols || siz.height() != rows) {
      throw new BadInputException(f.path, "JPEG 2000 image is " + siz.width() + " x " + siz.height() + " but the header says " + cols + " x " + rows);
    }
    if (siz.components() != 1) throw new BadInputException(f.path, "JPEG 2000 image has " + siz.components() + " components; CT must have 1");
    if (siz.bitDepth() > allocated || siz.bitDepth() > stored && siz.bitDepth() != allocated) {
      throw new BadInputException(f.path, "JPEG 2000 bit depth " + siz.bitDepth() + " disagrees with BitsStored " + stored + " / BitsAllocated " + allocated);
    }
    if (siz.signed() != signed) {
      throw new BadInputException(f.path, "JPEG 2000 data are " + (siz.signed() ? "signed" : "unsigned") + " but PixelRepresentation says " + (signed ? "signed" : "unsigned"));
    }
    int[] px = Jpeg2000.decode(cs, f.path, siz);
    checkStoredRange(f.path, px, stored, signed);
    return px;
  }

  /** Decoded samples must fit BitsStored: a lossless codestream of valid data never leaves it. */
  static void checkStoredRange(Path file, int[] px, int stored, boolean signed) throws BadInputException {
    long lo = signed ? -(1L << (stored - 1)) : 0, hi = signed ? (1L << (stored - 1)) - 1 : (1L << stored) - 1;
    int outside = 0;
    int first = 0;
    for (int v : px) {
      if (v < lo || v > hi) {
        if (outside++ == 0) first = v;
      }
    }
    if (outside > 0) {
      throw new BadInputException(file, "JPEG 2000 pixel data are corrupt: " + outside + " decoded values (first " + first + ") lie outside the "
          + stored + " bits stored (" + lo + " to " + hi + ")");
    }
  }

  private static byte[] concat(List<byte[]> parts) {
    int n = 0;
    for (byte[] p : parts) n += p.length;
    byte[] out = new byte[n];
    int off = 0;
    for (byte[] p : new ArrayList<>(parts)) {
      System.arraycopy(p, 0, out, off, p.length);
      off += p.length;
    }
    return out;
  }
}
