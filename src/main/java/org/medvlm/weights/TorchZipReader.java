package org.medvlm.weights;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.medvlm.BadInputException;

/**
 * Reads the zip checkpoints {@code torch.save} writes since PyTorch 1.6 ({@code NAME/data.pkl},
 * storages in {@code NAME/data/KEY}, optionally {@code NAME/byteorder}) through
 * {@link RestrictedUnpickler}. Storage entries must be stored uncompressed, as PyTorch writes
 * them, and large enough for every tensor that views them; they are read when a tensor is first
 * converted and kept until the state dict is closed. There is no fallback to a less strict
 * load.
 */
final class TorchZipReader {
  private static final long MAX_PICKLE = 512L << 20;
  /** Views may repeat storage elements (stride 0, as expanded buffers do), but not into more than this many values. */
  private static final long MAX_EXPANDED = 1L << 24;

  private TorchZipReader() {}

  static StateDict open(Path file) throws IOException {
    ZipFile zip;
    try {
      zip = new ZipFile(file.toFile());
    } catch (IOException | IllegalArgumentException e) { // ZipException, or EOFException for some truncations
      throw new BadInputException(file, "not a readable PyTorch zip checkpoint (truncated or corrupt zip: " + SafetensorsReader.oneLine(e.getMessage()) + ")");
    }
    try {
      return read(file, zip);
    } catch (BadInputException e) {
      zip.close();
      throw e;
    } catch (IOException | IllegalArgumentException | IllegalStateException e) {
      // java.util.zip reports some damage (a malformed entry name, a bad header) as unchecked exceptions
      zip.close();
      throw new BadInputException(file, "not a readable PyTorch zip checkpoint (" + SafetensorsReader.oneLine(e.getMessage()) + ")", e);
    }
  }

  private static StateDict read(Path file, ZipFile zip) throws IOException {
    String prefix = null;
    Enumeration<? extends ZipEntry> all = zip.entries();
    while (all.hasMoreElements()) {
      String name = all.nextElement().getName();
      int slash = name.indexOf('/');
      if (slash > 0 && name.substring(slash + 1).equals("data.pkl")) {
        if (prefix != null) throw new BadInputException(file, "holds more than one data.pkl");
        prefix = name.substring(0, slash + 1);
      }
    }
    if (prefix == null) throw new BadInputException(file, "is a zip without NAME/data.pkl: not a PyTorch checkpoint");
    ZipEntry order = zip.getEntry(prefix + "byteorder");
    if (order != null) {
      String bo = new String(readEntry(file, zip, order, 16), StandardCharsets.US_ASCII).trim();
      if (!bo.equals("little")) throw new BadInputException(file, "stores tensors in " + bo + "-endian byte order; save it on a little-endian machine");
    }
    byte[] pickle = readEntry(file, zip, zip.getEntry(prefix + "data.pkl"), MAX_PICKLE);
    Object root;
    try {
      root = RestrictedUnpickler.load(pickle);
    } catch (RestrictedUnpickler.PickleException e) {
      throw new BadInputException(file, e.getMessage());
    }
    Map<?, ?> dict = stateDict(file, root);
    Map<String, ZipEntry> entries = new HashMap<>();
    Map<String, ByteBuffer> storages = new HashMap<>(); // read on first use: checking a checkpoint reads no weights
    Map<String, StoredTensor> tensors = new LinkedHashMap<>();
    List<String> names = new ArrayList<>();
    for (var e : dict.entrySet()) names.add((String) e.getKey());
    for (String name : names) {
      if (!(dict.get(name) instanceof RestrictedUnpickler.TensorRef t)) throw new BadInputException(file, "entry " + name + " is not a tensor");
      RestrictedUnpickler.StorageRef s = t.storage();
      if (!entries.containsKey(s.key())) entries.put(s.key(), storageEntry(file, zip, prefix, name, s));
      checkExtent(file, name, t);
      ZipEntry entry = entries.get(s.key());
      StoredTensor.Source source = () -> {
        synchronized (storages) {
          ByteBuffer b = storages.get(s.key());
          if (b == null) storages.put(s.key(), b = ByteBuffer.wrap(readEntry(file, zip, entry, Integer.MAX_VALUE - 8)));
          return b;
        }
      };
      tensors.put(name, new StoredTensor(name, t.shape(), s.dtype(), source, t.offset(), t.strides()));
    }
    return new StateDict(file, "pytorch", tensors, Map.of(), zip);
  }

  /** The zip entry of a storage, present, uncompressed and exactly as large as its elements need. */
  private static ZipEntry storageEntry(Path file, ZipFile zip, String prefix, String tensor, RestrictedUnpickler.StorageRef s) throws BadInputException {
    ZipEntry entry = zip.getEntry(prefix + "data/" + s.key());
    if (entry == null) throw new BadInputException(file, "storage " + s.key() + " of tensor " + tensor + " is missing from the zip");
    if (entry.getMethod() != ZipEntry.STORED) throw new BadInputException(file, "storage " + s.key() + " is compressed; PyTorch stores storages uncompressed");
    long need;
    try {
      need = Math.multiplyExact(s.elements(), (long) s.dtype().size());
    } catch (ArithmeticException overflow) {
      need = Long.MAX_VALUE;
    }
    if (entry.getSize() != need) {
      throw new BadInputException(file, "storage " + s.key() + " holds " + entry.getSize() + " bytes, its " + s.elements() + " " + s.dtype() + " elements need " + need);
    }
    return entry;
  }

  /** The state dict inside a checkpoint: the top-level dict, or its "state_dict" / "model" entry. */
  private static Map<?, ?> stateDict(Path file, Object root) throws BadInputException {
    if (!(root instanceof Map<?, ?> m)) throw new BadInputException(file, "does not hold a state dict (a dict of tensors)");
    for (String wrapper : new String[] {"state_dict", "model"}) {
      if (m.get(wrapper) instanceof Map<?, ?> inner) return inner;
    }
    return m;
  }

  private static void checkExtent(Path file, String name, RestrictedUnpickler.TensorRef t) throws BadInputException {
    long last = t.offset();
    try {
      for (int d = 0; d < t.shape().length; d++) {
        if (t.shape()[d] == 0) return; // empty: reads nothing
        last = Math.addExact(last, Math.multiplyExact(t.shape()[d] - 1, t.strides()[d]));
      }
      long count = 1;
      for (long d : t.shape()) count = Math.multiplyExact(count, d);
      if (count > t.storage().elements() && count > MAX_EXPANDED) {
        throw new BadInputException(file, "tensor " + name + " of shape " + StoredTensor.shapeText(t.shape()) + " repeats a storage of " + t.storage().elements()
            + " elements (a broadcast view too large to expand)");
      }
    } catch (ArithmeticException overflow) {
      throw new BadInputException(file, "tensor " + name + " has a shape or strides that overflow");
    }
    if (last >= t.storage().elements()) {
      throw new BadInputException(file, "tensor " + name + " of shape " + StoredTensor.shapeText(t.shape()) + " reaches element " + last
          + " of a storage of " + t.storage().elements());
    }
  }

  private static byte[] readEntry(Path file, ZipFile zip, ZipEntry e, long max) throws IOException {
    if (e.getSize() > max) throw new BadInputException(file, "zip entry " + e.getName() + " is implausibly large (" + e.getSize() + " bytes)");
    try (InputStream in = zip.getInputStream(e)) {
      byte[] b = in.readNBytes((int) Math.min(max, e.getSize() < 0 ? max : e.getSize()));
      if (e.getSize() >= 0 && b.length != e.getSize()) throw new BadInputException(file, "zip entry " + e.getName() + " is truncated");
      return b;
    } catch (ZipException ex) {
      throw new BadInputException(file, "zip entry " + e.getName() + " is corrupt: " + SafetensorsReader.oneLine(ex.getMessage()));
    }
  }
}
