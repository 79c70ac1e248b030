package org.medvlm.weights;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.medvlm.BadInputException;

/**
 * Reads the weights of an ONNX export ({@code model.onnx}) without ONNX Runtime and without code
 * generation: a small protobuf reader for the parts of {@code ModelProto} that hold them (the
 * graph's nodes and initializers; raw or typed data; float32, float16, bfloat16, float64, int64,
 * int32). As strict as the safetensors reader: every length within its message, varints of at
 * most 10 bytes, no groups, known element types, element counts that fit and match their bytes,
 * no duplicate names; external-data files are refused.
 *
 * <p>Names follow the PyTorch module names, as the exporter keeps them, except for weights it
 * transposed into MatMul operands ({@code onnx::MatMul_N}, [in, out]): such an initializer is
 * the second input of a MatMul whose output feeds an Add with the module's {@code .bias}; it is
 * renamed after that bias ({@code .bias} to {@code .weight}) and given back as the [out, in]
 * transpose, a strided view of the same bytes. The rule reads the graph, not a table, so it holds
 * for BERT-family and timm ViT exports alike.
 */
final class OnnxReader {
  /** The most nested messages we follow (ModelProto, GraphProto, NodeProto or TensorProto). */
  private static final int MAX_DEPTH = 3;
  private static final int FLOAT = 1, INT32 = 6, INT64 = 7, FLOAT16 = 10, DOUBLE = 11, BFLOAT16 = 16;

  private record Initializer(String name, long[] dims, int type, ByteBuffer raw, ByteBuffer floats, ByteBuffer longs, ByteBuffer ints,
      ByteBuffer doubles, boolean external) {}

  private record Node(String op, List<String> inputs, List<String> outputs) {}

  private final Path file;
  private final List<Initializer> initializers = new ArrayList<>();
  private final List<Node> nodes = new ArrayList<>();

  private OnnxReader(Path file) {
    this.file = file;
  }

  static StateDict open(Path file) throws IOException {
    long size;
    ByteBuffer all;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      size = ch.size();
      if (size > Integer.MAX_VALUE) throw new BadInputException(file, "ONNX file of " + size + " bytes exceeds 2 GB (larger exports keep external data, not supported)");
      all = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
    }
    return read(file, all);
  }

  /** The weights of an ONNX model whose bytes are {@code bytes} (the mapped file {@code name}). */
  private static StateDict read(Path name, ByteBuffer bytes) throws BadInputException {
    OnnxReader r = new OnnxReader(name);
    r.model(bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN));
    return r.stateDict();
  }

  private void model(ByteBuffer b) throws BadInputException {
    boolean graph = false;
    while (b.hasRemaining()) {
      long key = varint(b);
      int field = (int) (key >>> 3), wire = (int) (key & 7);
      if (field == 7 && wire == 2) {
        graph(slice(b), 1);
        graph = true;
      } else {
        skip(b, wire);
      }
    }
    if (!graph) throw new BadInputException(file, "not an ONNX model: no graph");
  }

  private void graph(ByteBuffer b, int depth) throws BadInputException {
    while (b.hasRemaining()) {
      long key = varint(b);
      int field = (int) (key >>> 3), wire = (int) (key & 7);
      if (field == 1 && wire == 2) nodes.add(node(slice(b), depth + 1));
      else if (field == 5 && wire == 2) initializers.add(tensor(slice(b), depth + 1));
      else skip(b, wire);
    }
  }

  private Node node(ByteBuffer b, int depth) throws BadInputException {
    checkDepth(depth);
    List<String> in = new ArrayList<>(), out = new ArrayList<>();
    String op = "";
    while (b.hasRemaining()) {
      long key = varint(b);
      int field = (int) (key >>> 3), wire = (int) (key & 7);
      if (field == 1 && wire == 2) in.add(string(b));
      else if (field == 2 && wire == 2) out.add(string(b));
      else if (field == 4 && wire == 2) op = string(b);
      else skip(b, wire); // attributes (field 5) hold subgraphs only in control flow, which weights never need
    }
    return new Node(op, in, out);
  }

  private Initializer tensor(ByteBuffer b, int depth) throws BadInputException {
    checkDepth(depth);
    List<Long> dims = new ArrayList<>();
    int type = 0;
    String name = null;
    ByteBuffer raw = null, floats = null, longs = null, ints = null, doubles = null;
    boolean external = false;
    while (b.hasRemaining()) {
      long key = varint(b);
      int field = (int) (key >>> 3), wire = (int) (key & 7);
      switch (field) {
        case 1 -> {
          if (wire == 2) {
            ByteBuffer packed = slice(b);
            while (packed.hasRemaining()) dims.add(varint(packed));
          } else if (wire == 0) {
            dims.add(varint(b));
          } else {
            throw corrupt("tensor dims have wire type " + wire);
          }
        }
        case 2 -> type = (int) expect(b, wire, 0);
        case 4 -> floats = packed(b, wire, 4, floats);
        case 5 -> ints = packed(b, wire, -1, ints);
        case 7 -> longs = packed(b, wire, -1, longs);
        case 8 -> name = wire == 2 ? string(b) : null;
        case 9 -> raw = wire == 2 ? slice(b) : null;
        case 10 -> doubles = packed(b, wire, 8, doubles);
        case 13 -> {
          external = true;
          skip(b, wire);
        }
        case 14 -> external |= expect(b, wire, 0) == 1;
        default -> skip(b, wire);
      }
    }
    if (name == null || name.isEmpty()) throw corrupt("an initializer has no name");
    return new Initializer(name, dims.stream().mapToLong(Long::longValue).toArray(), type, raw, floats, longs, ints, doubles, external);
  }

  /** A packed (wire 2) or single (wire 0 or fixed) numeric field; varints are re-encoded as little-endian int64. */
  private ByteBuffer packed(ByteBuffer b, int wire, int fixed, ByteBuffer before) throws BadInputException {
    if (before != null) throw corrupt("a tensor's typed data field appears twice");
    if (wire != 2) throw corrupt("typed tensor data that is not packed (wire type " + wire + ") is not supported");
    ByteBuffer s = slice(b);
    if (fixed > 0) {
      if (s.remaining() % fixed != 0) throw corrupt("packed data of " + s.remaining() + " bytes is not a whole number of " + fixed + "-byte values");
      return s.order(ByteOrder.LITTLE_ENDIAN);
    }
    List<Long> values = new ArrayList<>();
    while (s.hasRemaining()) values.add(varint(s));
    ByteBuffer out = ByteBuffer.allocate(8 * values.size()).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) out.putLong(v);
    return out.flip();
  }

  private StateDict stateDict() throws BadInputException {
    Map<String, Node> matmulByWeight = new HashMap<>();
    Map<String, List<Node>> consumers = new HashMap<>();
    for (Node n : nodes) {
      if (n.op().equals("MatMul") && n.inputs().size() == 2) matmulByWeight.put(n.inputs().get(1), n);
      for (String in : n.inputs()) consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
    }
    Map<String, Initializer> byName = new LinkedHashMap<>();
    for (Initializer i : initializers) {
      if (byName.put(i.name(), i) != null) throw corrupt("two initializers are named " + i.name());
    }
    Map<String, StoredTensor> tensors = new LinkedHashMap<>();
    for (Initializer i : initializers) {
      if (i.external()) throw new BadInputException(file, "initializer " + i.name() + " keeps its data in an external file, which is not supported; export with the weights inside the .onnx file");
      StoredTensor t = stored(i);
      String module = moduleWeightName(i.name(), matmulByWeight, consumers, byName);
      if (module != null && t.shape().length == 2) {
        long[] s = t.shape();
        t = new StoredTensor(module, new long[] {s[1], s[0]}, t.dtype(), t.source(), 0, new long[] {1, s[1]}); // [in, out] seen as [out, in]
      }
      if (tensors.put(t.name(), t) != null) throw corrupt("two tensors map to the name " + t.name());
    }
    return new StateDict(file, "onnx", tensors, Map.of(), () -> {});
  }

  /**
   * The PyTorch name of a MatMul weight ({@code ...query.weight}), found through the Add that
   * takes the MatMul's output and a {@code .bias} initializer; null for any other initializer.
   */
  private static String moduleWeightName(String name, Map<String, Node> matmulByWeight, Map<String, List<Node>> consumers, Map<String, Initializer> byName) {
    Node mm = matmulByWeight.get(name);
    if (mm == null || mm.outputs().isEmpty()) return null;
    for (Node add : consumers.getOrDefault(mm.outputs().get(0), List.of())) {
      if (!add.op().equals("Add")) continue;
      for (String in : add.inputs()) {
        if (in.endsWith(".bias") && byName.containsKey(in)) return in.substring(0, in.length() - ".bias".length()) + ".weight";
      }
    }
    return null;
  }

  private StoredTensor stored(Initializer i) throws BadInputException {
    long count = 1;
    for (long d : i.dims()) {
      if (d < 0) throw corrupt("initializer " + i.name() + " has a negative dimension " + d);
      if (d > 0 && count > Long.MAX_VALUE / d) throw corrupt("initializer " + i.name() + " has more elements than fit a number");
      count *= d;
    }
    DType dtype = switch (i.type()) {
      case FLOAT -> DType.F32;
      case FLOAT16 -> DType.F16;
      case BFLOAT16 -> DType.BF16;
      case DOUBLE -> DType.F64;
      case INT64 -> DType.I64;
      case INT32 -> DType.I32;
      default -> throw new BadInputException(file, "initializer " + i.name() + " has ONNX element type " + i.type() + ", which is not supported");
    };
    ByteBuffer data;
    if (i.raw() != null) {
      data = i.raw();
    } else if (i.type() == FLOAT && i.floats() != null) {
      data = i.floats();
    } else if (i.type() == DOUBLE && i.doubles() != null) {
      data = i.doubles();
    } else if (i.type() == INT64 && i.longs() != null) {
      data = i.longs();
    } else if (i.type() == INT32 && i.ints() != null) {
      data = int32(i.ints());
    } else if ((i.type() == FLOAT16 || i.type() == BFLOAT16) && i.ints() != null) {
      data = halfFromInt32(i.ints());
    } else {
      data = ByteBuffer.allocate(0);
    }
    long bytes = count * dtype.size();
    if (bytes / dtype.size() != count || data.remaining() != bytes) {
      throw corrupt("initializer " + i.name() + " holds " + data.remaining() + " bytes, but its shape " + java.util.Arrays.toString(i.dims()) + " of "
          + dtype + " needs " + bytes);
    }
    ByteBuffer view = data.slice().order(ByteOrder.LITTLE_ENDIAN);
    return new StoredTensor(i.name(), i.dims(), dtype, () -> view, 0, null);
  }

  /** int32_data arrives as varints re-encoded to int64: back to 4 bytes each. */
  private static ByteBuffer int32(ByteBuffer longs) {
    ByteBuffer out = ByteBuffer.allocate(longs.remaining() / 2).order(ByteOrder.LITTLE_ENDIAN);
    while (longs.hasRemaining()) out.putInt((int) longs.getLong());
    return out.flip();
  }

  /** float16 and bfloat16 values stored one per int32_data entry: 2 bytes each. */
  private static ByteBuffer halfFromInt32(ByteBuffer longs) {
    ByteBuffer out = ByteBuffer.allocate(longs.remaining() / 4).order(ByteOrder.LITTLE_ENDIAN);
    while (longs.hasRemaining()) out.putShort((short) longs.getLong());
    return out.flip();
  }

  private void checkDepth(int depth) throws BadInputException {
    if (depth > MAX_DEPTH) throw corrupt("messages nested deeper than an ONNX model's weights are");
  }

  private long varint(ByteBuffer b) throws BadInputException {
    long v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (!b.hasRemaining()) throw corrupt("a number runs past the end of its message (truncated)");
      int x = b.get() & 0xff;
      if (shift == 63 && x > 1) throw corrupt("a number is longer than 64 bits");
      v |= (long) (x & 0x7f) << shift;
      if ((x & 0x80) == 0) return v;
    }
    throw corrupt("a number is longer than 10 bytes");
  }

  private long expect(ByteBuffer b, int wire, int wanted) throws BadInputException {
    if (wire != wanted) throw corrupt("a field has wire type " + wire + ", expected " + wanted);
    return varint(b);
  }

  /** The next length-delimited field, as its own buffer; the parent moves past it. */
  private ByteBuffer slice(ByteBuffer b) throws BadInputException {
    long n = varint(b);
    if (n < 0 || n > b.remaining()) throw corrupt("a field of " + n + " bytes runs past the end of its message (truncated or not ONNX)");
    ByteBuffer s = b.slice(b.position(), (int) n).order(ByteOrder.LITTLE_ENDIAN);
    b.position(b.position() + (int) n);
    return s;
  }

  private String string(ByteBuffer b) throws BadInputException {
    ByteBuffer s = slice(b);
    byte[] bytes = new byte[s.remaining()];
    s.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private void skip(ByteBuffer b, int wire) throws BadInputException {
    switch (wire) {
      case 0 -> varint(b);
      case 1 -> advance(b, 8);
      case 2 -> slice(b);
      case 5 -> advance(b, 4);
      default -> throw corrupt("wire type " + wire + " (groups or invalid): not an ONNX file, or a damaged one");
    }
  }

  private void advance(ByteBuffer b, int n) throws BadInputException {
    if (b.remaining() < n) throw corrupt("a field runs past the end of its message (truncated)");
    b.position(b.position() + n);
  }

  private BadInputException corrupt(String why) {
    return new BadInputException(file, "ONNX file is damaged or not ONNX: " + why);
  }
}
