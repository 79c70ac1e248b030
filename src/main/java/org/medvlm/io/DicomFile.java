package org.medvlm.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.medvlm.BadInputException;

/**
 * One DICOM Part 10 file, parsed just far enough for a CT slice: the file meta group, the
 * top-level elements a volume needs, and the pixel data (native or encapsulated fragments).
 * Sequences are walked, not interpreted. Every length is checked against the bytes left, so a
 * damaged file gives a {@link BadInputException}, never an out-of-bounds read.
 */
final class DicomFile {
  static final String IMPLICIT_LE = "1.2.840.10008.1.2";
  static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";
  static final String EXPLICIT_BE = "1.2.840.10008.1.2.2";
  static final String DEFLATED = "1.2.840.10008.1.2.1.99";
  static final String J2K_LOSSLESS = "1.2.840.10008.1.2.4.90";
  static final String J2K = "1.2.840.10008.1.2.4.91";

  static final int MODALITY = 0x00080060;
  static final int SLICE_THICKNESS = 0x00180050;
  static final int SPACING_BETWEEN_SLICES = 0x00180088;
  static final int SERIES_UID = 0x0020000E;
  static final int INSTANCE_NUMBER = 0x00200013;
  static final int POSITION = 0x00200032;
  static final int ORIENTATION = 0x00200037;
  static final int SAMPLES_PER_PIXEL = 0x00280002;
  static final int PHOTOMETRIC = 0x00280004;
  static final int NUMBER_OF_FRAMES = 0x00280008;
  static final int ROWS = 0x00280010;
  static final int COLUMNS = 0x00280011;
  static final int PIXEL_SPACING = 0x00280030;
  static final int BITS_ALLOCATED = 0x00280100;
  static final int BITS_STORED = 0x00280101;
  static final int PIXEL_REPRESENTATION = 0x00280103;
  static final int RESCALE_INTERCEPT = 0x00281052;
  static final int RESCALE_SLOPE = 0x00281053;
  static final int PIXEL_DATA = 0x7FE00010;

  private static final Set<Integer> WANTED = Set.of(MODALITY, SLICE_THICKNESS, SERIES_UID, INSTANCE_NUMBER, POSITION,
      ORIENTATION, SAMPLES_PER_PIXEL, PHOTOMETRIC, NUMBER_OF_FRAMES, ROWS, COLUMNS, PIXEL_SPACING, BITS_ALLOCATED,
      BITS_STORED, PIXEL_REPRESENTATION, RESCALE_INTERCEPT, RESCALE_SLOPE);
  private static final Set<String> LONG_VRS = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV");
  private static final int ITEM = 0xFFFEE000;
  private static final int ITEM_END = 0xFFFEE00D;
  private static final int SEQUENCE_END = 0xFFFEE0DD;
  private static final int UNDEFINED = -1;
  private static final int MAX_DEPTH = 32;
  /** Larger than any single CT slice file; a bigger one is refused before reading. */
  static final long MAX_FILE_BYTES = 1L << 30;

  final Path path;
  final String transferSyntax;
  final ByteOrder order;
  private final Map<Integer, byte[]> values = new HashMap<>();
  byte[] nativePixels;
  List<byte[]> fragments;

  private DicomFile(Path path, String transferSyntax, ByteOrder order) {
    this.path = path;
    this.transferSyntax = transferSyntax;
    this.order = order;
  }

  /** True if the file starts with a 128-byte preamble and "DICM". */
  static boolean looksLikeDicom(Path file) {
    try (var in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(132);
      return head.length == 132 && head[128] == 'D' && head[129] == 'I' && head[130] == 'C' && head[131] == 'M';
    } catch (IOException e) {
      return false;
    }
  }

  static DicomFile read(Path file) throws IOException {
    long size = Files.size(file);
    if (size > MAX_FILE_BYTES) throw new BadInputException(file, "is " + size + " bytes, too large for a DICOM slice");
    return parse(Files.readAllBytes(file), file);
  }

  static DicomFile parse(byte[] bytes, Path file) throws BadInputException {
    if (bytes.length < 132 || bytes[128] != 'D' || bytes[129] != 'I' || bytes[130] != 'C' || bytes[131] != 'M') {
      throw new BadInputException(file, "not a DICOM file: no 'DICM' after the 128-byte preamble");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    b.position(132);
    String ts = null;
    while (b.remaining() >= 8 && (b.getShort(b.position()) & 0xffff) == 0x0002) {
      int tag = tag(b);
      String vr = vr(b, file, tag);
      long len = LONG_VRS.contains(vr) ? skipReservedAndReadLength(b, file, tag) : (b.getShort() & 0xffff);
      checkLength(b, len, tag, file);
      if (tag == 0x00020010) ts = text(bytes, b.position(), (int) len);
      b.position(b.position() + (int) len);
    }
    if (ts == null) throw new BadInputException(file, "has no transfer syntax in its file meta group");
    ByteOrder order = switch (ts) {
      case IMPLICIT_LE, EXPLICIT_LE, J2K_LOSSLESS, J2K -> ByteOrder.LITTLE_ENDIAN;
      case EXPLICIT_BE -> ByteOrder.BIG_ENDIAN;
      case DEFLATED -> throw new BadInputException(file, "uses the deflated transfer syntax, which is not supported; decompress it first (e.g. gdcmconv --raw)");
      default -> throw new BadInputException(file, "transfer syntax " + printable(ts) + " is not supported (supported: implicit and explicit VR, JPEG 2000); convert it with gdcmconv --raw");
    };
    DicomFile f = new DicomFile(file, ts, order);
    b.order(order);
    f.parseDataset(b, bytes.length, !ts.equals(IMPLICIT_LE), 0);
    return f;
  }

  private void parseDataset(ByteBuffer b, int end, boolean explicit, int depth) throws BadInputException {
    if (depth > MAX_DEPTH) throw new BadInputException(path, "sequences nested deeper than " + MAX_DEPTH + " levels");
    while (b.position() < end) {
      if (end - b.position() < 8) throw new BadInputException(path, "truncated: " + (end - b.position()) + " stray bytes where an element should start");
      int tag = tag(b);
      if (tag == ITEM_END) {
        if (depth == 0) throw new BadInputException(path, "item delimiter outside a sequence");
        b.getInt();
        return;
      }
      String vr = null;
      long len;
      if ((tag >>> 16) == 0xFFFE) {
        len = b.getInt() & 0xffffffffL;
      } else if (explicit) {
        vr = vr(b, path, tag);
        len = LONG_VRS.contains(vr) ? skipReservedAndReadLength(b, path, tag) : (b.getShort() & 0xffff);
      } else {
        len = b.getInt() & 0xffffffffL;
      }
      boolean undefined = len == 0xffffffffL;
      if (undefined) {
        if (tag == PIXEL_DATA && depth == 0) {
          fragments = readFragments(b, end);
        } else if (!explicit || "SQ".equals(vr) || "UN".equals(vr)) {
          skipSequence(b, end, explicit && !"UN".equals(vr), depth + 1);
        } else {
          throw new BadInputException(path, "element " + hex(tag) + " has undefined length but VR " + vr);
        }
        continue;
      }
      checkLength(b, len, tag, path);
      int start = b.position();
      if (depth == 0 && WANTED.contains(tag)) {
        byte[] v = new byte[(int) len];
        b.get(start, v);
        values.put(tag, v);
      } else if (depth == 0 && tag == PIXEL_DATA) {
        nativePixels = new byte[(int) len];
        b.get(start, nativePixels);
      }
      b.position(start + (int) len);
    }
    if (depth > 0) throw new BadInputException(path, "truncated: a sequence item is not closed");
  }

  private void skipSequence(ByteBuffer b, int end, boolean explicit, int depth) throws BadInputException {
    if (depth > MAX_DEPTH) throw new BadInputException(path, "sequences nested deeper than " + MAX_DEPTH + " levels");
    while (true) {
      if (end - b.position() < 8) throw new BadInputException(path, "truncated inside a sequence");
      int tag = tag(b);
      long len = b.getInt() & 0xffffffffL;
      if (tag == SEQUENCE_END) return;
      if (tag != ITEM) throw new BadInputException(path, "expected a sequence item, found " + hex(tag));
      if (len == 0xffffffffL) {
        parseDataset(b, end, explicit, depth); // returns at the item delimiter; collects nothing below depth 0
      } else {
        checkLength(b, len, tag, path);
        b.position(b.position() + (int) len);
      }
    }
  }

  private List<byte[]> readFragments(ByteBuffer b, int end) throws BadInputException {
    List<byte[]> out = new ArrayList<>();
    boolean first = true;
    while (true) {
      if (end - b.position() < 8) throw new BadInputException(path, "truncated: encapsulated pixel data is not closed");
      int tag = tag(b);
      long len = b.getInt() & 0xffffffffL;
      if (tag == SEQUENCE_END) break;
      if (tag != ITEM) throw new BadInputException(path, "expected a pixel data fragment, found " + hex(tag));
      checkLength(b, len, tag, path);
      byte[] frag = new byte[(int) len];
      b.get(frag);
      if (!first) out.add(frag); // the first item is the basic offset table
      first = false;
    }
    if (out.isEmpty()) throw new BadInputException(path, "encapsulated pixel data has no fragments");
    return out;
  }

  private static int tag(ByteBuffer b) {
    int g = b.getShort() & 0xffff;
    int e = b.getShort() & 0xffff;
    return (g << 16) | e;
  }

  private static String vr(ByteBuffer b, Path file, int tag) throws BadInputException {
    char c0 = (char) (b.get() & 0xff), c1 = (char) (b.get() & 0xff);
    if (c0 < 'A' || c0 > 'Z' || c1 < 'A' || c1 > 'Z') {
      throw new BadInputException(file, "element " + hex(tag) + " has an invalid value representation (corrupt or not explicit VR)");
    }
    return "" + c0 + c1;
  }

  /** For long VRs (OB, SQ, UN, ...): two reserved bytes, then a 4-byte length. */
  private static long skipReservedAndReadLength(ByteBuffer b, Path file, int tag) throws BadInputException {
    if (b.remaining() < 6) throw new BadInputException(file, "truncated: element " + hex(tag) + " header is cut off");
    b.getShort();
    return b.getInt() & 0xffffffffL;
  }

  private static void checkLength(ByteBuffer b, long len, int tag, Path file) throws BadInputException {
    if (len > b.remaining()) {
      throw new BadInputException(file, "element " + hex(tag) + " claims " + len + " bytes but only " + b.remaining() + " are left (truncated or corrupt)");
    }
  }

  static String hex(int tag) {
    return String.format("(%04X,%04X)", tag >>> 16, tag & 0xffff);
  }

  private static String text(byte[] bytes, int off, int len) {
    String s = new String(bytes, off, len, StandardCharsets.ISO_8859_1);
    int end = s.length();
    while (end > 0 && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == 0)) end--;
    return s.substring(0, end).strip();
  }

  /** A header string made safe to print: control characters and non-ASCII become '?'. */
  static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) sb.append(c >= 32 && c < 127 ? c : '?');
    return sb.length() > 80 ? sb.substring(0, 77) + "..." : sb.toString();
  }

  boolean has(int tag) {
    return values.containsKey(tag);
  }

  String string(int tag) {
    byte[] v = values.get(tag);
    return v == null ? null : text(v, 0, v.length);
  }

  /** An unsigned short (US) value, or {@code fallback} if absent. */
  int uint16(int tag, int fallback) throws BadInputException {
    byte[] v = values.get(tag);
    if (v == null) return fallback;
    if (v.length < 2) throw new BadInputException(path, "element " + hex(tag) + " is too short for an unsigned short");
    return ByteBuffer.wrap(v).order(order).getShort() & 0xffff;
  }

  /** A decimal string (DS/IS) with {@code count} values, or null if absent. */
  double[] decimals(int tag, int count) throws BadInputException {
    String s = string(tag);
    if (s == null) return null;
    String[] parts = s.split("\\\\");
    if (parts.length != count) throw new BadInputException(path, "element " + hex(tag) + " has " + parts.length + " values, expected " + count);
    double[] out = new double[count];
    for (int i = 0; i < count; i++) {
      try {
        out[i] = Double.parseDouble(parts[i].strip());
      } catch (NumberFormatException e) {
        throw new BadInputException(path, "element " + hex(tag) + " value '" + printable(parts[i]) + "' is not a number");
      }
      if (!Double.isFinite(out[i])) throw new BadInputException(path, "element " + hex(tag) + " is not finite");
    }
    return out;
  }

  boolean isJpeg2000() {
    return transferSyntax.equals(J2K_LOSSLESS) || transferSyntax.equals(J2K);
  }
}
