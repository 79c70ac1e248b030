package org.medvlm.weights;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pickle reader for PyTorch state dicts that executes nothing: it understands the opcodes
 * {@code torch.save} emits and accepts exactly the globals a state dict needs
 * ({@code collections.OrderedDict}, {@code torch._utils._rebuild_tensor_v2} and
 * {@code _rebuild_parameter}, the typed storage classes). Any other global is rejected when it is
 * named, before anything is built; so are calls and object construction outside that list, state
 * set on anything but tensors and ordered dicts, persistent ids other than storages, unknown
 * opcodes and truncated streams. Results are plain Java values: {@link String}, {@link Long},
 * {@link Double}, {@link Boolean}, null, {@link Tuple}, {@link List}, {@link Map}, and the
 * tensors the caller's {@link Storages} builds.
 */
final class RestrictedUnpickler {
  /** A pickle problem; the caller adds the file name. */
  static final class PickleException extends Exception {
    private static final long serialVersionUID = 1L;

    PickleException(String message) {
      super(message);
    }
  }

  /** An allowed global: a function or class named by module and name. */
  record Global(String module, String name) {
    @Override
    public String toString() {
      return module + "." + name;
    }
  }

  /** A Python tuple. */
  record Tuple(List<Object> items) {}

  /** A storage named by a persistent id. */
  record StorageRef(DType dtype, String key, long elements) {}

  /** What {@code _rebuild_tensor_v2} returns. */
  record TensorRef(StorageRef storage, long offset, long[] shape, long[] strides) {}

  private static final String TORCH = "torch";
  private static final Set<Global> FUNCTIONS = Set.of(
      new Global("collections", "OrderedDict"),
      new Global("torch._utils", "_rebuild_tensor_v2"),
      new Global("torch._utils", "_rebuild_parameter"));
  private static final Object MARK = new Object();
  private static final int MAX_DEPTH = 10_000;

  private final byte[] data;
  private int pos;
  private final List<Object> stack = new ArrayList<>();
  private final List<Integer> marks = new ArrayList<>();
  private final Map<Long, Object> memo = new HashMap<>();

  private RestrictedUnpickler(byte[] data) {
    this.data = data;
  }

  static Object load(byte[] data) throws PickleException {
    return new RestrictedUnpickler(data).run();
  }

  static boolean allowed(String module, String name) {
    if (FUNCTIONS.contains(new Global(module, name))) return true;
    return module.equals(TORCH) && DType.ofTorchStorage(name) != null;
  }

  private Object run() throws PickleException {
    while (true) {
      int at = pos;
      int op = u8();
      switch (op) {
        case 0x80 -> { // PROTO
          int proto = u8();
          if (proto < 2 || proto > 5) throw new PickleException("unsupported pickle protocol " + proto);
        }
        case 0x95 -> bytes(8); // FRAME: a hint only
        case '.' -> { // STOP
          if (stack.size() != 1 || !marks.isEmpty()) throw new PickleException("pickle ends with " + stack.size() + " values on the stack");
          return stack.get(0);
        }
        case 'c' -> pushGlobal(line(), line()); // GLOBAL
        case 0x93 -> { // STACK_GLOBAL
          Object name = pop();
          Object module = pop();
          if (!(module instanceof String m) || !(name instanceof String n)) throw new PickleException("STACK_GLOBAL without two strings");
          pushGlobal(m, n);
        }
        case '}' -> push(new LinkedHashMap<Object, Object>());
        case ']' -> push(new ArrayList<>());
        case ')' -> push(new Tuple(List.of()));
        case '(' -> {
          if (marks.size() >= MAX_DEPTH) throw new PickleException("pickle nests deeper than " + MAX_DEPTH);
          marks.add(stack.size());
          stack.add(MARK);
        }
        case 't' -> push(new Tuple(popMark()));
        case 0x85 -> push(tuple(pop()));
        case 0x86 -> {
          Object b = pop();
          push(tuple(pop(), b));
        }
        case 0x87 -> {
          Object c = pop();
          Object b = pop();
          push(tuple(pop(), b, c));
        }
        case 'q' -> memo.put((long) u8(), top()); // BINPUT
        case 'r' -> memo.put(u32(), top()); // LONG_BINPUT
        case 0x94 -> memo.put((long) memo.size(), top()); // MEMOIZE
        case 'h' -> push(memoGet(u8()));
        case 'j' -> push(memoGet(u32()));
        case 'K' -> push((long) u8());
        case 'M' -> push((long) (u8() | (u8() << 8)));
        case 'J' -> push((long) (int) u32());
        case 0x8a -> push(long1());
        case 'X' -> push(utf8(len(u32())));
        case 0x8c -> push(utf8(u8()));
        case 0x88 -> push(Boolean.TRUE);
        case 0x89 -> push(Boolean.FALSE);
        case 'N' -> push(null);
        case 'G' -> push(Double.longBitsToDouble(java.nio.ByteBuffer.wrap(bytes(8)).getLong()));
        case 'Q' -> push(persistent(pop())); // BINPERSID
        case 'R' -> { // REDUCE
          Object args = pop();
          push(call(pop(), args));
        }
        case 'b' -> build(pop(), top()); // BUILD
        case 's' -> {
          Object v = pop();
          Object k = pop();
          dict(top()).put(key(k), v);
        }
        case 'u' -> {
          List<Object> items = popMark();
          if (items.size() % 2 != 0) throw new PickleException("SETITEMS with an odd number of values");
          Map<Object, Object> d = dict(top());
          for (int i = 0; i < items.size(); i += 2) d.put(key(items.get(i)), items.get(i + 1));
        }
        case 'a' -> {
          Object v = pop();
          list(top()).add(v);
        }
        case 'e' -> {
          List<Object> items = popMark();
          list(top()).addAll(items);
        }
        default -> throw new PickleException(String.format("pickle opcode 0x%02x at byte %d is not allowed in a state dict", op, at));
      }
    }
  }

  /** A tuple of values that may be None (null), which List.of refuses. */
  private static Tuple tuple(Object... items) {
    return new Tuple(java.util.Arrays.asList(items));
  }

  private void pushGlobal(String module, String name) throws PickleException {
    if (!allowed(module, name)) {
      throw new PickleException("pickle names the global " + module + "." + name + ", which a state dict never needs: refused (the file may run code when loaded with plain torch.load)");
    }
    push(new Global(module, name));
  }

  private Object call(Object callable, Object args) throws PickleException {
    if (!(callable instanceof Global g) || !FUNCTIONS.contains(g)) {
      throw new PickleException("pickle calls " + (callable instanceof Global ? callable : describe(callable)) + ", which is not allowed");
    }
    if (!(args instanceof Tuple t)) throw new PickleException("pickle calls " + g + " without an argument tuple");
    List<Object> a = t.items();
    switch (g.name()) {
      case "OrderedDict" -> {
        if (!a.isEmpty()) throw new PickleException("OrderedDict built with arguments");
        return new LinkedHashMap<Object, Object>();
      }
      case "_rebuild_tensor_v2" -> {
        if (a.size() < 6 || a.size() > 7) throw new PickleException("_rebuild_tensor_v2 with " + a.size() + " arguments");
        if (!(a.get(0) instanceof StorageRef s)) throw new PickleException("_rebuild_tensor_v2 without a storage");
        long offset = integer(a.get(1), "storage offset");
        long[] shape = longs(a.get(2), "size");
        long[] strides = longs(a.get(3), "stride");
        if (shape.length != strides.length) throw new PickleException("tensor size and stride differ in length");
        return new TensorRef(s, offset, shape, strides);
      }
      case "_rebuild_parameter" -> {
        if (a.size() != 3 || !(a.get(0) instanceof TensorRef tensor)) throw new PickleException("_rebuild_parameter without a tensor");
        return tensor;
      }
      default -> throw new PickleException("pickle calls " + g + ", which is not allowed");
    }
  }

  private void build(Object state, Object target) throws PickleException {
    if (target instanceof TensorRef) return; // tensor state (hooks, attributes) carries no values
    if (target instanceof Map) {
      if (state != null && !(state instanceof Map) && !(state instanceof Tuple)) throw new PickleException("unexpected state for an OrderedDict");
      return; // an OrderedDict's attributes (HuggingFace's _metadata): not needed
    }
    throw new PickleException("pickle sets state on " + describe(target) + ", which is not allowed");
  }

  private Object persistent(Object pid) throws PickleException {
    if (!(pid instanceof Tuple t) || t.items().size() != 5 || !"storage".equals(t.items().get(0))) {
      throw new PickleException("persistent id " + describe(pid) + " is not a storage");
    }
    List<Object> a = t.items();
    if (!(a.get(1) instanceof Global g) || !g.module().equals(TORCH) || DType.ofTorchStorage(g.name()) == null) {
      throw new PickleException("storage of unknown type " + a.get(1));
    }
    if (!(a.get(2) instanceof String key) || !key.matches("[0-9A-Za-z_]{1,64}")) throw new PickleException("storage key " + describe(a.get(2)) + " is not a plain name");
    if (!(a.get(3) instanceof String)) throw new PickleException("storage location is not a string");
    long elements = integer(a.get(4), "storage size");
    return new StorageRef(DType.ofTorchStorage(g.name()), key, elements);
  }

  private static long integer(Object o, String what) throws PickleException {
    if (o instanceof Long l && l >= 0) return l;
    throw new PickleException(what + " " + describe(o) + " is not a non-negative integer");
  }

  private static long[] longs(Object o, String what) throws PickleException {
    if (!(o instanceof Tuple t)) throw new PickleException("tensor " + what + " is not a tuple");
    long[] r = new long[t.items().size()];
    for (int i = 0; i < r.length; i++) r[i] = integer(t.items().get(i), "tensor " + what);
    return r;
  }

  /** Dict keys of a state dict are names; other keys (which could even contain themselves) are refused. */
  private static String key(Object o) throws PickleException {
    if (o instanceof String s) return s;
    throw new PickleException("dict key " + describe(o) + " is not a string");
  }

  @SuppressWarnings("unchecked")
  private static Map<Object, Object> dict(Object o) throws PickleException {
    if (o instanceof Map) return (Map<Object, Object>) o;
    throw new PickleException("SETITEM on " + describe(o) + ", not a dict");
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object o) throws PickleException {
    if (o instanceof List) return (List<Object>) o;
    throw new PickleException("APPEND on " + describe(o) + ", not a list");
  }

  private static String describe(Object o) {
    if (o == null) return "None";
    if (o instanceof String s) return "'" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "'";
    if (o instanceof Tuple) return "a tuple";
    return o.getClass().getSimpleName();
  }

  private void push(Object o) {
    stack.add(o);
  }

  private Object top() throws PickleException {
    if (stack.isEmpty() || stack.get(stack.size() - 1) == MARK) throw new PickleException("pickle stack underflow at byte " + pos);
    return stack.get(stack.size() - 1);
  }

  private Object pop() throws PickleException {
    Object o = top();
    stack.remove(stack.size() - 1);
    return o;
  }

  private List<Object> popMark() throws PickleException {
    if (marks.isEmpty()) throw new PickleException("pickle has no MARK to pop to at byte " + pos);
    int m = marks.remove(marks.size() - 1);
    List<Object> items = new ArrayList<>(stack.subList(m + 1, stack.size()));
    stack.subList(m, stack.size()).clear();
    return items;
  }

  private Object memoGet(long key) throws PickleException {
    if (!memo.containsKey(key)) throw new PickleException("pickle refers to memo entry " + key + " that was never stored");
    return memo.get(key);
  }

  private int u8() throws PickleException {
    if (pos >= data.length) throw new PickleException("pickle is truncated at byte " + pos);
    return data[pos++] & 0xff;
  }

  private long u32() throws PickleException {
    byte[] b = bytes(4);
    return (b[0] & 0xffL) | (b[1] & 0xffL) << 8 | (b[2] & 0xffL) << 16 | (b[3] & 0xffL) << 24;
  }

  private int len(long n) throws PickleException {
    if (n > data.length - pos) throw new PickleException("pickle is truncated: a " + n + "-byte value at byte " + pos);
    return (int) n;
  }

  private byte[] bytes(int n) throws PickleException {
    if (n > data.length - pos) throw new PickleException("pickle is truncated at byte " + pos);
    byte[] b = java.util.Arrays.copyOfRange(data, pos, pos + n);
    pos += n;
    return b;
  }

  private Object long1() throws PickleException {
    int n = u8();
    if (n > 8) throw new PickleException("pickle integer of " + n + " bytes is too large");
    byte[] b = bytes(n);
    if (n == 0) return 0L;
    long v = b[n - 1]; // sign-extended top byte
    for (int i = n - 2; i >= 0; i--) v = (v << 8) | (b[i] & 0xff);
    return v;
  }

  private String utf8(int n) throws PickleException {
    byte[] b = bytes(n);
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(b)).toString();
    } catch (CharacterCodingException e) {
      throw new PickleException("pickle string at byte " + (pos - n) + " is not UTF-8");
    }
  }

  private String line() throws PickleException {
    int start = pos;
    while (pos < data.length && data[pos] != '\n') pos++;
    if (pos >= data.length) throw new PickleException("pickle is truncated in a GLOBAL name");
    String s = new String(data, start, pos - start, StandardCharsets.US_ASCII);
    pos++;
    return s;
  }
}
