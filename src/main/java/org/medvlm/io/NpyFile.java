package org.medvlm.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.medvlm.BadInputException;

/**
 * NumPy {@code .npy} files of float32 arrays (version 1 to 3 headers, little-endian, C order),
 * the exchange format of {@code medvlm embed} and of the parity fixtures.
 */
public final class NpyFile {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  /** A float32 array and its shape. */
  public record Array(long[] shape, float[] data) {
    public Array {
      long n = 1;
      for (long d : shape) n *= d;
      if (n != data.length) throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not hold " + data.length + " values");
    }
  }

  private NpyFile() {}

  public static Array read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new BadInputException(file, "no such .npy file");
    byte[] all = Files.readAllBytes(file);
    if (all.length < 10 || !Arrays.equals(Arrays.copyOf(all, 6), MAGIC)) throw new BadInputException(file, "not a NumPy .npy file");
    ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
    int major = all[6];
    long headerLen = major == 1 ? b.getShort(8) & 0xffff : major <= 3 && all.length >= 12 ? b.getInt(8) & 0xffffffffL : -1;
    int start = major == 1 ? 10 : 12;
    if (headerLen < 0 || start + headerLen > all.length) throw new BadInputException(file, "unsupported or truncated .npy header");
    String header = new String(all, start, (int) headerLen, StandardCharsets.ISO_8859_1);
    Matcher d = DESCR.matcher(header);
    Matcher o = ORDER.matcher(header);
    Matcher s = SHAPE.matcher(header);
    if (!d.find() || !o.find() || !s.find()) throw new BadInputException(file, ".npy header lacks descr, fortran_order or shape");
    if (!d.group(1).equals("<f4")) throw new BadInputException(file, "holds " + d.group(1) + " values; float32 ('<f4') is needed (numpy: a.astype('float32'))");
    if (o.group(1).equals("True")) throw new BadInputException(file, "is in Fortran order; save a C-ordered array (numpy.ascontiguousarray)");
    long[] shape = Arrays.stream(s.group(1).split(",")).map(String::trim).filter(t -> !t.isEmpty()).mapToLong(Long::parseLong).toArray();
    long n = 1;
    for (long x : shape) n = Math.multiplyExact(n, x);
    long dataStart = start + headerLen;
    if (all.length - dataStart != n * 4) throw new BadInputException(file, "holds " + (all.length - dataStart) + " data bytes, its shape " + Arrays.toString(shape) + " needs " + n * 4);
    float[] data = new float[(int) n];
    b.position((int) dataStart);
    b.asFloatBuffer().get(data);
    return new Array(shape, data);
  }

  /** Writes a version-1 .npy file atomically (no half-written output). */
  public static void write(Path file, Array a) throws IOException {
    StringBuilder shape = new StringBuilder();
    for (long d : a.shape()) shape.append(d).append(", ");
    if (a.shape().length > 0) shape.setLength(shape.length() - 1); // (3,) and (2, 3,) are Python tuples
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + shape + "), }";
    int total = 10 + dict.length() + 1;
    int pad = (64 - total % 64) % 64;
    String header = dict + " ".repeat(pad) + "\n";
    ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 4 * a.data().length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length()).put(header.getBytes(StandardCharsets.ISO_8859_1));
    b.asFloatBuffer().put(a.data());
    AtomicFiles.write(file, true, out -> out.write(b.array()));
  }
}
