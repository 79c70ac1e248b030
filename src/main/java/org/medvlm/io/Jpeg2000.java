package org.medvlm.io;

import com.github.jaiimageio.jpeg2000.impl.J2KImageReader;
import com.github.jaiimageio.jpeg2000.impl.J2KImageReaderSpi;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.medvlm.BadInputException;

/**
 * Decodes a single-component JPEG 2000 codestream (DICOM transfer syntaxes .90 and .91) with the
 * pure-Java JJ2000 codec of jai-imageio. The codestream's own size and bit depth (its SIZ marker)
 * are checked against the DICOM header before decoding.
 *
 * <p>Found by fuzzing: JJ2000's packet header bit reader turns the -1 of a read past the end of
 * its input into endless 1 bits and loops forever on truncated or corrupt codestreams. The
 * codestream is therefore given to it as a stream that throws at its end (which JJ2000 handles);
 * and after a stuffed 0xFF it takes the next byte without reading, so two 0xFF bytes in a row
 * give endless 1 bits. {@link #checkMarkers} refuses those (and packed packet headers, read from
 * an in-memory copy we cannot guard) before decoding, and every decode runs under a watchdog so
 * that any other hang becomes an error instead of a frozen Fiji.
 */
final class Jpeg2000 {
  /** A decode stopped by the watchdog (the fuzz test treats it as a finding). */
  static final class DecodeTimeoutException extends BadInputException {
    private static final long serialVersionUID = 1L;

    DecodeTimeoutException(Path file, long seconds) {
      super(file, "JPEG 2000 decoding did not finish within " + seconds + " s: the codestream is corrupt");
    }
  }
  /** CT slices come in one tile or a few; thousands of tiny tiles only serve to exhaust JJ2000. */
  static final int MAX_TILES = 4096;
  private static final int SOT = 0xFF90, SOD = 0xFF93, EOC = 0xFFD9, PPM = 0xFF60, PPT = 0xFF61;
  private static final ExecutorService DECODER = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "medvlm-jpeg2000");
    t.setDaemon(true);
    return t;
  });

  private Jpeg2000() {}

  /** What the SIZ marker says. */
  record Siz(int width, int height, int components, int bitDepth, boolean signed) {}

  static Siz siz(byte[] cs, Path file) throws BadInputException {
    ByteBuffer b = ByteBuffer.wrap(cs);
    if (cs.length < 4 || (b.getShort(0) & 0xffff) != 0xFF4F || (b.getShort(2) & 0xffff) != 0xFF51) {
      throw new BadInputException(file, "JPEG 2000 pixel data does not start with a codestream header (SOC, SIZ)");
    }
    if (cs.length < 4 + 38 + 3) throw new BadInputException(file, "JPEG 2000 header is truncated");
    long xsiz = u32(b, 8), ysiz = u32(b, 12), xo = u32(b, 16), yo = u32(b, 20);
    long xt = u32(b, 24), yt = u32(b, 28), xto = u32(b, 32), yto = u32(b, 36);
    int csiz = b.getShort(40) & 0xffff;
    int ssiz = b.get(42) & 0xff;
    long w = xsiz - xo, h = ysiz - yo;
    if (w <= 0 || h <= 0 || w > 65535 || h > 65535) throw new BadInputException(file, "JPEG 2000 image size " + w + " x " + h + " is invalid");
    if (xt == 0 || yt == 0 || xto > xo || yto > yo || xto + xt <= xo || yto + yt <= yo) {
      throw new BadInputException(file, "JPEG 2000 tiling is invalid (tile " + xt + " x " + yt + " at " + xto + ", " + yto + ")");
    }
    long tiles = ((xsiz - xto + xt - 1) / xt) * ((ysiz - yto + yt - 1) / yt);
    if (tiles > MAX_TILES) throw new BadInputException(file, "JPEG 2000 image has " + tiles + " tiles, more than the " + MAX_TILES + " supported");
    return new Siz((int) w, (int) h, csiz, (ssiz & 0x7f) + 1, (ssiz & 0x80) != 0);
  }

  private static long u32(ByteBuffer b, int at) {
    return b.getInt(at) & 0xffffffffL;
  }

  /** Decoded samples, row-major, as ints (signed values sign-extended). */
  static int[] decode(byte[] cs, Path file, Siz siz) throws BadInputException {
    checkMarkers(cs, file);
    Jpeg2000Packets.check(cs, file); // the decoder itself accepts damaged data without a word
    long seconds = 20 + 2L * siz.width() * siz.height() / 1_000_000;
    Future<int[]> job = DECODER.submit(() -> decodeNow(cs, file, siz));
    try {
      return job.get(seconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      job.cancel(true);
      throw new DecodeTimeoutException(file, seconds);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof BadInputException b) throw b;
      if (e.getCause() instanceof ThreadDeath) {
        // JJ2000 reports an unexpected end of data by printing a trace and throwing ThreadDeath
        throw new BadInputException(file, "JPEG 2000 codestream ends early (truncated or corrupt)");
      }
      throw new BadInputException(file, "JPEG 2000 data cannot be decoded (the codestream is corrupt or uses a feature the decoder lacks)");
    } catch (InterruptedException e) {
      job.cancel(true);
      Thread.currentThread().interrupt();
      throw new BadInputException(file, "JPEG 2000 decoding was interrupted");
    }
  }

  /**
   * Walks the marker segments of the main header and of every tile-part header, refusing what
   * sends JJ2000 into an endless loop: packed packet headers (PPM/PPT) and two 0xFF bytes in a
   * row inside tile data (never valid there: bit stuffing forbids it; JJ2000's bit reader then
   * returns 1 bits forever without reading). Bounds are checked; what cannot be walked is left to
   * the decoder, which reports it.
   */
  static void checkMarkers(byte[] cs, Path file) throws BadInputException {
    ByteBuffer b = ByteBuffer.wrap(cs);
    int pos = 2; // after SOC
    while (pos + 4 <= cs.length) {
      int marker = b.getShort(pos) & 0xffff;
      if (marker == SOT) break;
      if (marker == PPM) throw packed(file);
      pos += 2 + (b.getShort(pos + 2) & 0xffff);
    }
    while (pos + 12 <= cs.length && (b.getShort(pos) & 0xffff) == SOT) {
      int start = pos;
      long psot = b.getInt(pos + 6) & 0xffffffffL;
      int end = psot == 0 || start + psot > cs.length ? cs.length : (int) (start + psot);
      pos += 2 + (b.getShort(pos + 2) & 0xffff);
      while (pos + 4 <= end) {
        int marker = b.getShort(pos) & 0xffff;
        if (marker == SOD || marker == EOC) break;
        if (marker == PPT) throw packed(file);
        pos += 2 + (b.getShort(pos + 2) & 0xffff);
      }
      for (int i = pos + 2; i + 1 < end; i++) {
        if (cs[i] == (byte) 0xFF && cs[i + 1] == (byte) 0xFF) {
          throw new BadInputException(file, "JPEG 2000 tile data are corrupt (0xFF 0xFF at byte " + i + ")");
        }
      }
      pos = end;
    }
  }

  private static BadInputException packed(Path file) {
    return new BadInputException(file, "JPEG 2000 codestream uses packed packet headers (PPM/PPT), which are not supported; re-encode it (e.g. gdcmconv --raw)");
  }

  private static int[] decodeNow(byte[] cs, Path file, Siz siz) throws BadInputException {
    J2KImageReader reader = new J2KImageReader(new J2KImageReaderSpi());
    try (StrictEndStream in = new StrictEndStream(cs)) {
      reader.setInput(in);
      Raster r = reader.readRaster(0, null);
      if (in.endReached) throw new BadInputException(file, "JPEG 2000 codestream ends early (truncated or corrupt)");
      if (r.getWidth() != siz.width() || r.getHeight() != siz.height()) {
        throw new BadInputException(file, "JPEG 2000 decoded to " + r.getWidth() + " x " + r.getHeight() + ", header says " + siz.width() + " x " + siz.height());
      }
      int[] out = r.getSamples(r.getMinX(), r.getMinY(), r.getWidth(), r.getHeight(), 0, (int[]) null);
      if (siz.signed()) {
        int shift = 32 - siz.bitDepth();
        for (int i = 0; i < out.length; i++) out[i] = (out[i] << shift) >> shift;
      }
      return out;
    } catch (BadInputException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new BadInputException(file, "JPEG 2000 data cannot be decoded: " + org.medvlm.ErrorText.plainMessage(e, "the codestream is corrupt"));
    } finally {
      reader.dispose();
    }
  }

  /**
   * The codestream as an image stream whose single-byte read throws at the end instead of
   * returning -1: JJ2000's packet header reader turns -1 into endless 1 bits and never stops,
   * while it handles an EOFException as truncation. Reaching the end marks the data as corrupt.
   */
  private static final class StrictEndStream extends MemoryCacheImageInputStream {
    boolean endReached;

    StrictEndStream(byte[] data) {
      super(new ByteArrayInputStream(data));
    }

    @Override
    public int read() throws IOException {
      int v = super.read();
      if (v < 0) {
        endReached = true;
        throw new java.io.EOFException("end of JPEG 2000 codestream");
      }
      return v;
    }
  }
}
