package org.medvlm.io;

import com.github.jaiimageio.jpeg2000.impl.J2KImageReader;
import com.github.jaiimageio.jpeg2000.impl.J2KImageReaderSpi;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.medvlm.BadInputException;

/**
 * Decodes a single-component JPEG 2000 codestream (DICOM transfer syntaxes .90 and .91) with the
 * pure-Java JJ2000 codec of jai-imageio. The codestream's own size and bit depth (its SIZ marker)
 * are checked against the DICOM header before decoding.
 */
final class Jpeg2000 {
  private Jpeg2000() {}

  /** What the SIZ marker says. */
  record Siz(int width, int height, int components, int bitDepth, boolean signed) {}

  static Siz siz(byte[] cs, Path file) throws BadInputException {
    ByteBuffer b = ByteBuffer.wrap(cs);
    if (cs.length < 4 || (b.getShort(0) & 0xffff) != 0xFF4F || (b.getShort(2) & 0xffff) != 0xFF51) {
      throw new BadInputException(file, "JPEG 2000 pixel data does not start with a codestream header (SOC, SIZ)");
    }
    if (cs.length < 4 + 38 + 3) throw new BadInputException(file, "JPEG 2000 header is truncated");
    int xsiz = b.getInt(8), ysiz = b.getInt(12), xo = b.getInt(16), yo = b.getInt(20);
    int csiz = b.getShort(40) & 0xffff;
    int ssiz = b.get(42) & 0xff;
    long w = (xsiz & 0xffffffffL) - (xo & 0xffffffffL), h = (ysiz & 0xffffffffL) - (yo & 0xffffffffL);
    if (w <= 0 || h <= 0 || w > 65535 || h > 65535) throw new BadInputException(file, "JPEG 2000 image size " + w + " x " + h + " is invalid");
    return new Siz((int) w, (int) h, csiz, (ssiz & 0x7f) + 1, (ssiz & 0x80) != 0);
  }

  /** Decoded samples, row-major, as ints (signed values sign-extended). */
  static int[] decode(byte[] cs, Path file, Siz siz) throws BadInputException {
    J2KImageReader reader = new J2KImageReader(new J2KImageReaderSpi());
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(cs))) {
      reader.setInput(in);
      Raster r = reader.readRaster(0, null);
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
      throw new BadInputException(file, "JPEG 2000 data cannot be decoded: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    } finally {
      reader.dispose();
    }
  }
}
