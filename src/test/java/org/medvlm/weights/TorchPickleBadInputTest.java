package org.medvlm.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medvlm.BadInputException;

/**
 * PyTorch zip checkpoints are read as strictly as PyTorch's weights-only unpickler: only the
 * globals, calls and state a state dict needs; nothing else is ever executed or built.
 */
class TorchPickleBadInputTest {
  @TempDir Path tmp;
  private static final Path FORMATS = EncoderParityTest.DIR.resolve("formats");

  /** Pickle bytes, written opcode by opcode. */
  static final class Pickle {
    private final ByteArrayOutputStream b = new ByteArrayOutputStream();

    Pickle op(int... bytes) {
      for (int x : bytes) b.write(x);
      return this;
    }

    Pickle global(String module, String name) {
      b.write('c');
      b.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
      return this;
    }

    Pickle str(String s) {
      byte[] u = s.getBytes(StandardCharsets.UTF_8);
      b.write('X');
      b.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(u.length).array());
      b.writeBytes(u);
      return this;
    }

    Pickle small(int v) {
      return op('K', v);
    }

    /** A one-dimensional float tensor of n elements on storage "0", as torch.save writes it. */
    Pickle tensor(int n) {
      global("torch._utils", "_rebuild_tensor_v2").op('(');
      op('(').str("storage").global("torch", "FloatStorage").str("0").str("cpu").small(n).op('t', 'Q');
      small(0).small(n).op(0x85).small(1).op(0x85).op(0x89);
      global("collections", "OrderedDict").op(')', 'R');
      return op('t', 'R');
    }

    byte[] bytes() {
      return b.toByteArray();
    }
  }

  /** A state dict {"w": tensor(2)}. */
  static Pickle stateDict() {
    return new Pickle().op(0x80, 2).global("collections", "OrderedDict").op(')', 'R', '(').str("w").tensor(2).op('u', '.');
  }

  static byte[] zip(byte[] pickle, byte[] storage, boolean compressStorage) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out)) {
      stored(z, "archive/data.pkl", pickle);
      if (storage != null) {
        if (compressStorage) {
          z.putNextEntry(new ZipEntry("archive/data/0"));
          z.write(storage);
          z.closeEntry();
        } else {
          stored(z, "archive/data/0", storage);
        }
      }
      stored(z, "archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
    }
    return out.toByteArray();
  }

  private static void stored(ZipOutputStream z, String name, byte[] data) throws Exception {
    ZipEntry e = new ZipEntry(name);
    e.setMethod(ZipEntry.STORED);
    e.setSize(data.length);
    CRC32 crc = new CRC32();
    crc.update(data);
    e.setCrc(crc.getValue());
    z.putNextEntry(e);
    z.write(data);
    z.closeEntry();
  }

  static byte[] floats(float... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float x : v) b.putFloat(x);
    return b.array();
  }

  private String problem(byte[] content) throws Exception {
    Path f = tmp.resolve("pytorch_model.bin");
    Files.write(f, content);
    return problem(f);
  }

  private static String problem(Path f) {
    BadInputException e = assertThrows(BadInputException.class, () -> WeightsFile.open(f).close());
    assertEquals(f.toString(), e.subject());
    assertFalse(e.getMessage().contains("\n"), "one line");
    return e.problem();
  }

  @Test
  void handWrittenStateDictReads() throws Exception {
    Path f = tmp.resolve("ok.bin");
    Files.write(f, zip(stateDict().bytes(), floats(1.5f, -2f), false));
    try (StateDict sd = WeightsFile.open(f)) {
      assertEquals("pytorch", sd.format());
      assertArrayEquals(new float[] {1.5f, -2f}, sd.floats("w"));
    }
  }

  @Test
  void viewsWithOffsetsAndStridesAndHalfStorages() throws Exception {
    try (StateDict sd = WeightsFile.open(FORMATS.resolve("views.bin"))) {
      float[] base = sd.floats("base"); // arange(24).reshape(4, 6)
      float[] view = sd.floats("view"); // base.t()[1:]: shape (5, 4)
      assertArrayEquals(new long[] {5, 4}, sd.get("view").shape());
      for (int i = 0; i < 5; i++) for (int j = 0; j < 4; j++) assertEquals(base[j * 6 + i + 1], view[i * 4 + j]);
      assertArrayEquals(base, sd.floats("half"));
    }
  }

  @Test
  void codeRunningPicklesAreRefusedAndNothingRuns() throws Exception {
    Path marker = Path.of("/tmp/medvlm-pwned");
    Files.deleteIfExists(marker);
    assertTrue(problem(FORMATS.resolve("evil-system.bin")).contains("global posix.system"));
    assertTrue(problem(FORMATS.resolve("evil-eval.bin")).contains("global __builtin__.eval"));
    assertFalse(Files.exists(marker));
  }

  @Test
  void forbiddenGlobalIsRefusedWhenNamedBeforeAnythingElse() throws Exception {
    // the global comes first; what follows is garbage that would fail any later check
    for (String[] g : new String[][] {{"os", "system"}, {"posix", "system"}, {"builtins", "eval"}, {"torch", "load"}, {"collections", "defaultdict"}}) {
      byte[] p = new Pickle().op(0x80, 2).global(g[0], g[1]).op(0xff, 0xff).bytes();
      assertTrue(problem(zip(p, null, false)).contains("global " + g[0] + "." + g[1]), g[0] + "." + g[1]);
    }
    byte[] viaStack = new Pickle().op(0x80, 4).str("os").str("system").op(0x93, '.').bytes();
    assertTrue(problem(zip(viaStack, null, false)).contains("global os.system"));
  }

  @Test
  void callsStateAndIdsOutsideTheAllowListAreRefused() throws Exception {
    // calling an allowed class that is not a function: a storage type
    byte[] callStorage = new Pickle().op(0x80, 2).global("torch", "FloatStorage").op(')', 'R', '.').bytes();
    assertTrue(problem(zip(callStorage, null, false)).contains("calls torch.FloatStorage"));
    // calling something that is not a global at all
    byte[] callString = new Pickle().op(0x80, 2).str("x").op(')', 'R', '.').bytes();
    assertTrue(problem(zip(callString, null, false)).contains("calls 'x'"));
    // object construction opcodes
    for (int op : new int[] {0x81, 0x92, 'i', 'o'}) {
      byte[] p = new Pickle().op(0x80, 2).global("collections", "OrderedDict").op(')', op, '.').bytes();
      assertTrue(problem(zip(p, null, false)).contains("is not allowed in a state dict"), "opcode " + op);
    }
    // state set on a list
    byte[] buildList = new Pickle().op(0x80, 2, ']', '}', 'b', '.').bytes();
    assertTrue(problem(zip(buildList, null, false)).contains("sets state on ArrayList"));
    // a persistent id that is not a storage
    byte[] pid = new Pickle().op(0x80, 2, '(').str("module").str("x").str("0").str("cpu").small(1).op('t', 'Q', '.').bytes();
    assertTrue(problem(zip(pid, null, false)).contains("is not a storage"));
    // unknown opcode
    assertTrue(problem(zip(new Pickle().op(0x80, 2, 0xfe).bytes(), null, false)).contains("0xfe"));
    // dict keys other than names
    byte[] tupleKey = new Pickle().op(0x80, 2, '}', ')', 'N', 's', '.').bytes();
    assertTrue(problem(zip(tupleKey, null, false)).contains("dict key a tuple is not a string"));
  }

  @Test
  void truncatedAndDamagedFiles() throws Exception {
    byte[] good = stateDict().bytes();
    assertTrue(problem(zip(Arrays.copyOf(good, good.length - 9), floats(1, 2), false)).contains("truncated"));
    assertTrue(problem(zip(good, null, false)).contains("storage 0 of tensor w is missing"));
    assertTrue(problem(zip(good, floats(1, 2), true)).contains("compressed"));
    assertTrue(problem(zip(good, floats(1), false)).contains("holds 4 bytes"));
    byte[] whole = zip(good, floats(1, 2), false);
    assertTrue(problem(Arrays.copyOf(whole, whole.length / 2)).contains("truncated or corrupt zip"));
    byte[] noPickle = new String(zip(good, floats(1, 2), false), StandardCharsets.ISO_8859_1).replace("data.pkl", "data.pkx").getBytes(StandardCharsets.ISO_8859_1);
    assertTrue(problem(noPickle).contains("zip without NAME/data.pkl"));
    assertTrue(problem(FORMATS.resolve("legacy.bin")).contains("legacy (pre-1.6, non-zip) PyTorch pickle"));
  }

  @Test
  void tensorViewingPastItsStorageIsRefused() throws Exception {
    // tensor of 2 elements at offset 0 with stride 1 on a storage that claims 2 elements but the view wants 3
    byte[] p = new Pickle().op(0x80, 2, '}', '(').str("w")
        .global("torch._utils", "_rebuild_tensor_v2").op('(')
        .op('(').str("storage").global("torch", "FloatStorage").str("0").str("cpu").small(2).op('t', 'Q')
        .small(1).small(2).op(0x85).small(1).op(0x85).op(0x89).global("collections", "OrderedDict").op(')', 'R', 't', 'R')
        .op('u', '.').bytes();
    assertTrue(problem(zip(p, floats(1, 2), false)).contains("reaches element 2 of a storage of 2"));
  }
}
