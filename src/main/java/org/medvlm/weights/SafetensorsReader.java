package org.medvlm.weights;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.medvlm.BadInputException;

/**
 * Reads {@code .safetensors} files as strictly as the reference loader: an 8-byte little-endian
 * header length (at most 100 MB, within the file), a UTF-8 JSON header starting with '{' and
 * without duplicate keys, known dtypes, shapes whose element count fits and matches their byte
 * range, byte ranges that tile the data from offset 0 without holes, overlaps or trailing bytes,
 * and string-only {@code __metadata__}. Tensor bytes are memory-mapped when read, never copied
 * as a whole file.
 */
final class SafetensorsReader {
  static final long MAX_HEADER = 100_000_000L;

  private record Entry(String name, DType dtype, long[] shape, long start, long end) {}

  private SafetensorsReader() {}

  static StateDict open(Path file) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    try {
      return read(file, ch);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  private static StateDict read(Path file, FileChannel ch) throws IOException {
    long size = ch.size();
    if (size < 8) throw new BadInputException(file, "not a safetensors file: " + size + " bytes, shorter than the 8-byte header length");
    ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    readFully(ch, lenBuf, 0);
    long n = lenBuf.getLong(0);
    if (n < 0 || n > MAX_HEADER) throw new BadInputException(file, "safetensors header length " + Long.toUnsignedString(n) + " exceeds 100 MB");
    if (8 + n > size) throw new BadInputException(file, "safetensors header length " + n + " runs past the end of the file (" + size + " bytes): truncated or not safetensors");
    ByteBuffer headBuf = ByteBuffer.allocate((int) n);
    readFully(ch, headBuf, 8);
    String header;
    try {
      header = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(headBuf.flip()).toString();
    } catch (CharacterCodingException e) {
      throw new BadInputException(file, "safetensors header is not UTF-8");
    }
    if (!header.startsWith("{")) throw new BadInputException(file, "safetensors header does not start with '{'");
    Map<String, String> metadata = new LinkedHashMap<>();
    List<Entry> entries = parseHeader(file, header, metadata);
    long dataStart = 8 + n;
    long dataSize = size - dataStart;
    List<Entry> byOffset = new ArrayList<>(entries);
    byOffset.sort(Comparator.comparingLong(Entry::start).thenComparingLong(Entry::end));
    long expected = 0;
    for (Entry e : byOffset) {
      if (e.start != expected) {
        throw new BadInputException(file, "tensor " + e.name + " starts at byte " + e.start + " of the data, expected " + expected
            + (e.start < expected ? " (overlapping byte ranges)" : " (a hole between byte ranges)"));
      }
      if (e.end < e.start) throw new BadInputException(file, "tensor " + e.name + " has a byte range that ends before it starts");
      long bytes;
      try {
        long count = 1;
        for (long d : e.shape) count = Math.multiplyExact(count, d);
        bytes = Math.multiplyExact(count, (long) e.dtype.size());
      } catch (ArithmeticException overflow) {
        throw new BadInputException(file, "tensor " + e.name + " has shape " + StoredTensor.shapeText(e.shape) + " whose element count overflows");
      }
      if (bytes != e.end - e.start) {
        throw new BadInputException(file, "tensor " + e.name + " of shape " + StoredTensor.shapeText(e.shape) + " and dtype " + e.dtype.name()
            + " needs " + bytes + " bytes but its byte range holds " + (e.end - e.start));
      }
      expected = e.end;
    }
    if (expected != dataSize) {
      throw new BadInputException(file, expected > dataSize
          ? "the tensors need " + expected + " data bytes but the file holds " + dataSize + " (truncated)"
          : "the file has " + (dataSize - expected) + " trailing bytes after the last tensor");
    }
    Map<String, StoredTensor> tensors = new LinkedHashMap<>();
    for (Entry e : entries) {
      long from = dataStart + e.start;
      long len = e.end - e.start;
      if (len > Integer.MAX_VALUE) throw new BadInputException(file, "tensor " + e.name + " is larger than 2 GB");
      tensors.put(e.name, new StoredTensor(e.name, e.shape, e.dtype, () -> ch.map(FileChannel.MapMode.READ_ONLY, from, len), 0, null));
    }
    return new StateDict(file, "safetensors", tensors, metadata, ch);
  }

  private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
    while (b.hasRemaining()) {
      int r = ch.read(b, pos + b.position());
      if (r < 0) throw new java.io.EOFException();
    }
  }

  private static List<Entry> parseHeader(Path file, String header, Map<String, String> metadata) throws BadInputException {
    List<Entry> entries = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    try (JsonReader r = new JsonReader(new StringReader(header))) {
      r.beginObject();
      while (r.hasNext()) {
        String name = r.nextName();
        if (!seen.add(name)) throw new BadInputException(file, "safetensors header has the key " + name + " twice");
        if (name.equals("__metadata__")) {
          r.beginObject();
          while (r.hasNext()) {
            String key = r.nextName();
            if (r.peek() != JsonToken.STRING) throw new BadInputException(file, "safetensors __metadata__ value of " + key + " is not a string");
            metadata.put(key, r.nextString());
          }
          r.endObject();
        } else {
          entries.add(parseEntry(file, name, r));
        }
      }
      r.endObject();
      if (r.peek() != JsonToken.END_DOCUMENT) throw new BadInputException(file, "safetensors header has content after its JSON object");
    } catch (BadInputException e) {
      throw e;
    } catch (IOException | IllegalStateException | NumberFormatException e) {
      throw new BadInputException(file, "safetensors header is not valid JSON: " + oneLine(e.getMessage()));
    }
    return entries;
  }

  private static Entry parseEntry(Path file, String name, JsonReader r) throws IOException {
    DType dtype = null;
    long[] shape = null;
    long[] offsets = null;
    Set<String> fields = new HashSet<>();
    r.beginObject();
    while (r.hasNext()) {
      String field = r.nextName();
      if (!fields.add(field)) throw new BadInputException(file, "tensor " + name + " has the field " + field + " twice");
      switch (field) {
        case "dtype" -> {
          String t = r.nextString();
          dtype = DType.ofSafetensors(t);
          if (dtype == null) throw new BadInputException(file, "tensor " + name + " has an unknown or unsupported dtype " + t);
        }
        case "shape" -> shape = longArray(file, name, field, r);
        case "data_offsets" -> offsets = longArray(file, name, field, r);
        default -> r.skipValue(); // ignored, as the reference loader does
      }
    }
    r.endObject();
    if (dtype == null || shape == null || offsets == null) throw new BadInputException(file, "tensor " + name + " lacks dtype, shape or data_offsets");
    if (offsets.length != 2) throw new BadInputException(file, "tensor " + name + " has " + offsets.length + " data_offsets, not 2");
    return new Entry(name, dtype, shape, offsets[0], offsets[1]);
  }

  private static long[] longArray(Path file, String name, String field, JsonReader r) throws IOException {
    List<Long> values = new ArrayList<>();
    r.beginArray();
    while (r.hasNext()) {
      if (r.peek() != JsonToken.NUMBER) throw new BadInputException(file, "tensor " + name + " has a non-numeric " + field);
      String s = r.nextString();
      long v;
      try {
        v = Long.parseLong(s);
      } catch (NumberFormatException e) {
        throw new BadInputException(file, "tensor " + name + " has " + field + " entry " + s + " that is not a non-negative integer");
      }
      if (v < 0) throw new BadInputException(file, "tensor " + name + " has a negative " + field + " entry " + v);
      values.add(v);
    }
    r.endArray();
    return values.stream().mapToLong(Long::longValue).toArray();
  }

  static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s+", " ").trim();
  }
}
