package org.medvlm.io;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import net.imglib2.type.numeric.integer.IntType;
import net.imglib2.type.numeric.real.FloatType;
import org.medvlm.BadInputException;
import org.medvlm.volume.Geometry;
import org.medvlm.volume.Volume;

/**
 * Reads NIfTI-1 and NIfTI-2 single files ({@code .nii}, {@code .nii.gz}, either byte order).
 * Every size is checked against the file before anything is allocated; a gzip stream is read to
 * its end so a truncated or corrupt one is always noticed (its CRC is checked).
 */
public final class NiftiReader {
  /** Deflate cannot compress better than about 1032:1, so a gzip cannot hold more than this. */
  private static final long MAX_DEFLATE_RATIO = 1100;

  /** Reading options. */
  public record Options(boolean acceptNonOrthonormal) {
    public static final Options STRICT = new Options(false);
  }

  /** What a file holds, without its voxels. */
  public record Info(int version, NiftiDatatype datatype, int[] dims, Geometry geometry, double sclSlope, double sclInter,
      String byteOrder, String descrip) {}

  private NiftiReader() {}

  /** Intensities as float (scaled by scl_slope/scl_inter when set). */
  public static Volume<FloatType> readImage(Path file) throws IOException {
    return readImage(file, Options.STRICT);
  }

  public static Volume<FloatType> readImage(Path file, Options options) throws IOException {
    Raw raw = readRaw(file, options);
    float[] out = new float[(int) raw.header.voxelCount()];
    Decoder.toFloats(raw.data, raw.header.order, raw.header.datatype, out);
    if (raw.header.hasScaling()) {
      float slope = (float) raw.header.sclSlope;
      float inter = (float) raw.header.sclInter;
      for (int i = 0; i < out.length; i++) out[i] = out[i] * slope + inter;
    }
    return Volume.ofFloats(out, raw.header.dims3(), raw.geometry);
  }

  /** A label map: values must be whole numbers that fit an int (after scaling, if any). */
  public static Volume<IntType> readLabels(Path file) throws IOException {
    return readLabels(file, Options.STRICT);
  }

  public static Volume<IntType> readLabels(Path file, Options options) throws IOException {
    Raw raw = readRaw(file, options);
    int n = (int) raw.header.voxelCount();
    int[] out = new int[n];
    NiftiDatatype dt = raw.header.datatype;
    if (dt.integer && !raw.header.hasScaling() && dt != NiftiDatatype.UINT32) {
      Decoder.toInts(raw.data, raw.header.order, dt, out);
    } else {
      double[] values = new double[n];
      Decoder.toDoubles(raw.data, raw.header.order, dt, values);
      double slope = raw.header.hasScaling() ? raw.header.sclSlope : 1;
      double inter = raw.header.hasScaling() ? raw.header.sclInter : 0;
      for (int i = 0; i < n; i++) {
        double v = values[i] * slope + inter;
        if (v != Math.rint(v) || v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
          throw new BadInputException(file, "is not a label map: value " + v + " at voxel " + i + " is not a whole number");
        }
        out[i] = (int) v;
      }
    }
    return Volume.ofLabels(out, raw.header.dims3(), raw.geometry);
  }

  /** Header facts only; reads just the header (and, for .gz, not the whole stream). */
  public static Info info(Path file) throws IOException {
    return info(file, Options.STRICT);
  }

  public static Info info(Path file, Options options) throws IOException {
    checkFile(file);
    try (SkippingStream in = open(file, isGzip(file))) {
      byte[] head = new byte[NiftiHeader.NIFTI2_SIZE];
      int len = in.readNBytes(head, 0, head.length);
      NiftiHeader h = NiftiHeader.parse(head, len, file);
      Geometry g = checkedGeometry(h, file, options);
      return new Info(h.version, h.datatype, h.dims3(), g, h.sclSlope, h.sclInter, h.order.toString(), h.descrip);
    } catch (ZipException | EOFException e) {
      throw new BadInputException(file, "corrupt or truncated gzip data");
    }
  }

  static boolean isGzip(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.read() == 0x1f && in.read() == 0x8b;
    }
  }

  private record Raw(NiftiHeader header, Geometry geometry, ByteBuffer data) {}

  private static Raw readRaw(Path file, Options options) throws IOException {
    long fileSize = checkFile(file);
    boolean gz = isGzip(file);
    try (SkippingStream in = open(file, gz)) {
      byte[] head = new byte[NiftiHeader.NIFTI2_SIZE];
      int len = in.readNBytes(head, 0, head.length);
      NiftiHeader h = NiftiHeader.parse(head, len, file);
      Geometry g = checkedGeometry(h, file, options);
      long offset = (long) h.voxOffset;
      long bytes = h.dataBytes();
      if (!gz && offset + bytes > fileSize) {
        throw new BadInputException(file, "truncated: header promises " + bytes + " data bytes from offset " + offset + ", file has " + fileSize + " bytes");
      }
      if (gz && offset + bytes > fileSize * MAX_DEFLATE_RATIO) {
        throw new BadInputException(file, "header promises " + bytes + " data bytes, more than a gzip of " + fileSize + " bytes can hold");
      }
      long skip = offset - len;
      if (skip < 0) {
        // The data start inside the bytes already read (only possible for NIfTI-1 with a small offset).
        byte[] data = new byte[(int) bytes];
        int have = (int) Math.min(bytes, len - offset);
        System.arraycopy(head, (int) offset, data, 0, have);
        readFully(in, data, have, file);
        drain(in, gz);
        return new Raw(h, g, ByteBuffer.wrap(data));
      }
      if (in.skipNBytes0(skip) < skip) throw new BadInputException(file, "truncated: ends before the data offset " + offset);
      byte[] data = new byte[(int) bytes];
      readFully(in, data, 0, file);
      drain(in, gz);
      return new Raw(h, g, ByteBuffer.wrap(data));
    } catch (ZipException e) {
      throw new BadInputException(file, "corrupt gzip data (" + e.getMessage() + ")");
    } catch (EOFException e) {
      throw new BadInputException(file, "truncated: the gzip stream ends early");
    }
  }

  private static Geometry checkedGeometry(NiftiHeader h, Path file, Options options) throws BadInputException {
    Geometry g = h.geometry(file);
    if (g.isDegenerate()) {
      throw new BadInputException(file, "direction matrix is singular (an axis of zero length, or two axes parallel): the file describes no 3D grid");
    }
    double err = g.orthonormalityError();
    if (err > 1e-4 && !options.acceptNonOrthonormal()) {
      throw new BadInputException(file, String.format(java.util.Locale.ROOT,
          "direction matrix is not orthonormal (error %.3g): the grid is sheared or degenerate; accept it explicitly with {accept-nonorthonormal} (info, convert, segment)", err));
    }
    return g;
  }

  private static long checkFile(Path file) throws IOException {
    if (Files.isDirectory(file)) throw new BadInputException(file, "is a folder, expected a .nii or .nii.gz file");
    VolumeIO.requireReadable(file);
    try {
      return Files.size(file);
    } catch (NoSuchFileException e) {
      throw new BadInputException(file, "no such file");
    }
  }

  private static SkippingStream open(Path file, boolean gz) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    if (gz) return new SkippingStream(new GZIPInputStream(raw, 1 << 16));
    return new SkippingStream(raw);
  }

  private static void readFully(InputStream in, byte[] data, int from, Path file) throws IOException {
    int got = in.readNBytes(data, from, data.length - from);
    if (got < data.length - from) {
      throw new BadInputException(file, "truncated: " + (from + got) + " of " + data.length + " data bytes present");
    }
  }

  /** Reads a gzip stream to its end so its trailer (CRC, length) is verified. */
  private static void drain(InputStream in, boolean gz) throws IOException {
    if (!gz) return;
    byte[] buf = new byte[8192];
    long total = 0;
    int n;
    while ((n = in.read(buf)) > 0) {
      total += n;
      if (total > (1L << 30)) break; // trailing garbage beyond the volume: not our concern
    }
  }

  /** InputStream whose skip reports how far it really got (gzip skip may stop early at EOF). */
  private static final class SkippingStream extends java.io.FilterInputStream {
    SkippingStream(InputStream in) {
      super(in);
    }

    long skipNBytes0(long n) throws IOException {
      long done = 0;
      byte[] buf = new byte[8192];
      while (done < n) {
        int r = in.read(buf, 0, (int) Math.min(buf.length, n - done));
        if (r < 0) break;
        done += r;
      }
      return done;
    }
  }
}
