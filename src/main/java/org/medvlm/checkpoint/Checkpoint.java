package org.medvlm.checkpoint;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import org.medvlm.data.Organ;
import org.medvlm.preprocess.PreprocessConfig;
import org.medvlm.BadInputException;

/**
 * Everything needed to resume training or to run a model: metadata (model type and shape, organs,
 * preprocessing, training config, epoch, step, seed, metrics so far) as JSON, the weights (DJL's
 * parameter format) and the optimiser state. One file: magic, version, three length-prefixed
 * sections and a SHA-256 of all that precedes it, checked on load.
 */
public record Checkpoint(JsonObject meta, byte[] weights, byte[] optimizer) {
  private static final byte[] MAGIC = "MEDVLMCK".getBytes(StandardCharsets.US_ASCII);
  private static final int VERSION = 1;
  /** Testing aid: a pause in the middle of writing, to widen the window for kill tests. */
  static final String WRITE_DELAY_PROPERTY = "medvlm.checkpoint.writeDelayMs";

  public String modelType() {
    return meta.get("model_type").getAsString();
  }

  public void writeTo(OutputStream out) throws IOException {
    MessageDigest sha = sha256();
    byte[] metaBytes = meta.toString().getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(head);
    d.write(MAGIC);
    d.writeInt(VERSION);
    d.writeInt(metaBytes.length);
    d.write(metaBytes);
    d.writeLong(weights.length);
    write(out, sha, head.toByteArray());
    write(out, sha, weights);
    pauseForTests();
    byte[] optLen = ByteBuffer.allocate(8).putLong(optimizer.length).array();
    write(out, sha, optLen);
    write(out, sha, optimizer);
    out.write(sha.digest());
  }

  private static void write(OutputStream out, MessageDigest sha, byte[] b) throws IOException {
    sha.update(b);
    out.write(b);
  }

  private static void pauseForTests() {
    long ms = Long.getLong(WRITE_DELAY_PROPERTY, 0);
    if (ms > 0) {
      try {
        Thread.sleep(ms);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * A checkpoint of {@code block}'s current weights with what running it needs in the metadata
   * (model type and description, organs, preprocessing) plus {@code more}; no optimiser state
   * unless given.
   */
  public static Checkpoint of(String modelType, JsonObject model, Block block, List<Organ> organs, PreprocessConfig preprocess, JsonObject more, byte[] optimizer)
      throws IOException {
    JsonObject meta = new JsonObject();
    meta.addProperty("model_type", modelType);
    meta.add("model", model);
    JsonArray ids = new JsonArray();
    for (Organ o : organs) ids.add(o.id());
    meta.add("organs", ids);
    meta.add("preprocess", JsonParser.parseString(preprocess.toJson()));
    for (var e : more.entrySet()) meta.add(e.getKey(), e.getValue());
    ByteArrayOutputStream w = new ByteArrayOutputStream();
    block.saveParameters(new DataOutputStream(w));
    return new Checkpoint(meta, w.toByteArray(), optimizer);
  }

  /** Reads a whole checkpoint (weights and optimiser state), checked. */
  public static Checkpoint read(Path file) throws IOException {
    return open(file).read();
  }

  /**
   * Checks a checkpoint file (its SHA-256, streamed: the file is not held in memory) and reads its
   * metadata; the weights stay on disk until {@link OnDisk#loadWeightsInto} streams them into a
   * model. Inference of a 1 GB model so needs no gigabytes of heap for the file.
   */
  public static OnDisk open(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new BadInputException(file, "no such checkpoint file");
    long size = Files.size(file);
    long modified = Files.getLastModifiedTime(file).toMillis();
    long body = size - 32;
    // one pass: the header is parsed and the sections skipped while everything is hashed
    try (DigestInputStream hashed = new DigestInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 20), sha256());
        DataInputStream d = new DataInputStream(hashed)) {
      byte[] magic = d.readNBytes(MAGIC.length);
      if (size < MAGIC.length + 4 + 4 + 8 + 8 + 32 || !Arrays.equals(magic, MAGIC)) {
        throw new BadInputException(file, "not a Med-VLM checkpoint (wrong magic or too short)");
      }
      int version = d.readInt();
      int metaLength = d.readInt();
      long at = MAGIC.length + 4 + 4;
      if (metaLength < 0 || at + metaLength + 16 > body) throw damaged(file, "section length " + metaLength + " exceeds the file");
      byte[] meta = d.readNBytes(metaLength);
      long weightsLength = d.readLong();
      at += metaLength + 8;
      if (weightsLength < 0 || at + weightsLength + 8 > body) throw damaged(file, "section length " + weightsLength + " exceeds the file");
      long weightsAt = at;
      readThrough(d, weightsLength);
      long optLength = d.readLong();
      at += weightsLength + 8;
      if (optLength != body - at) throw damaged(file, "section length " + optLength + " does not fit the file");
      readThrough(d, optLength);
      hashed.on(false);
      if (!MessageDigest.isEqual(hashed.getMessageDigest().digest(), d.readNBytes(32))) throw damaged(file, "checksum mismatch: truncated or corrupt");
      if (version != VERSION) throw new BadInputException(file, "checkpoint format version " + version + " is not supported (expected " + VERSION + ")");
      return new OnDisk(file, checkedMeta(file, meta), weightsAt, weightsLength, at, optLength, size, modified);
    } catch (java.io.EOFException e) {
      throw damaged(file, "shorter than it was a moment ago");
    }
  }

  /**
   * The metadata as a JSON object whose fields, where present, have the types their readers
   * rely on: the checksum only proves the file is as written, not that what was written (or
   * edited and re-hashed) makes sense. {@link OnDisk#requireModel} checks what running it needs.
   */
  private static JsonObject checkedMeta(Path file, byte[] bytes) throws BadInputException {
    JsonElement parsed;
    try {
      parsed = JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8));
    } catch (com.google.gson.JsonParseException e) {
      throw new BadInputException(file, "checkpoint metadata is not valid JSON");
    }
    if (!parsed.isJsonObject()) throw new BadInputException(file, "checkpoint metadata is not a JSON object");
    JsonObject meta = parsed.getAsJsonObject();
    requireKind(file, meta, "model_type", JsonElement::isJsonPrimitive, "a string");
    for (String number : List.of("epoch", "step")) {
      if (meta.has(number)) requireKind(file, meta, number, e -> e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber(), "a number");
    }
    if (meta.has("history")) requireKind(file, meta, "history", JsonElement::isJsonArray, "a list");
    if (meta.has("partial_epoch")) requireKind(file, meta, "partial_epoch", JsonElement::isJsonObject, "an object");
    return meta;
  }

  /** What building and running the model needs: its description, preprocessing and distinct known organ ids. */
  private static void requireModelMeta(Path file, JsonObject meta) throws BadInputException {
    requireKind(file, meta, "model", JsonElement::isJsonObject, "an object");
    requireKind(file, meta, "preprocess", JsonElement::isJsonObject, "an object");
    requireKind(file, meta, "organs", JsonElement::isJsonArray, "a list of organ ids");
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (JsonElement e : meta.getAsJsonArray("organs")) {
      boolean id = e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber() && e.getAsDouble() == Math.rint(e.getAsDouble());
      if (!id || e.getAsInt() < 1 || e.getAsInt() > Organ.MAX_ID || !seen.add(e.getAsInt())) {
        throw new BadInputException(file, "checkpoint metadata field 'organs' holds " + e + ", not a distinct BTCV organ id (1 to " + Organ.MAX_ID + ")");
      }
    }
    if (seen.isEmpty()) throw new BadInputException(file, "checkpoint metadata field 'organs' is empty");
  }

  private static void requireKind(Path file, JsonObject meta, String field, java.util.function.Predicate<JsonElement> ok, String kind) throws BadInputException {
    JsonElement e = meta.get(field);
    if (e == null || e.isJsonNull()) throw new BadInputException(file, "checkpoint metadata lacks the field '" + field + "'");
    if (!ok.test(e)) throw new BadInputException(file, "checkpoint metadata field '" + field + "' is not " + kind);
  }

  /** Reads and drops {@code n} bytes (skipping would bypass the digest). */
  private static void readThrough(InputStream in, long n) throws IOException {
    byte[] buf = new byte[1 << 16];
    while (n > 0) {
      int k = in.read(buf, 0, (int) Math.min(buf.length, n));
      if (k < 0) throw new java.io.EOFException();
      n -= k;
    }
  }

  private static BadInputException damaged(Path file, String why) {
    return new BadInputException(file, "checkpoint is damaged (" + why + ")");
  }

  /** A checked checkpoint file: its metadata, and where its sections lie. */
  public record OnDisk(Path file, JsonObject meta, long weightsAt, long weightsLength, long optimizerAt, long optimizerLength, long size, long modified) {
    public String modelType() {
      return meta.get("model_type").getAsString();
    }

    /** Refuses a checkpoint whose metadata lacks what building and running its model needs. */
    public OnDisk requireModel() throws BadInputException {
      requireModelMeta(file, meta);
      return this;
    }

    /** The last finished epoch (0-based; -1: none), or -2 for a checkpoint written outside training. */
    public int epoch() {
      JsonElement e = meta.get("epoch");
      return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber() ? e.getAsInt() : -2;
    }

    /** The whole checkpoint, weights and optimiser state in memory. */
    public Checkpoint read() throws IOException {
      return new Checkpoint(meta, bytes(weightsAt, weightsLength), optimizer());
    }

    /** The optimiser state section. */
    public byte[] optimizer() throws IOException {
      return bytes(optimizerAt, optimizerLength);
    }

    /**
     * Streams the weights from the file into {@code block}, which must be initialised; its
     * initial arrays are freed first (DJL's loading replaces them without closing them, which
     * would keep two copies of every weight for the model's lifetime).
     */
    public void loadWeightsInto(Block block, NDManager manager) throws IOException, MalformedModelException {
      java.util.Map<String, ai.djl.ndarray.types.Shape> expected = new java.util.LinkedHashMap<>();
      for (var e : block.getParameters()) if (e.getValue().isInitialized()) expected.put(e.getKey(), e.getValue().getArray().getShape());
      try (InputStream in = section(weightsAt, weightsLength)) {
        for (Parameter p : block.getParameters().values()) if (p.isInitialized()) p.getArray().close();
        block.loadParameters(manager, new DataInputStream(new BufferedInputStream(in, 1 << 20)));
      } catch (java.io.EOFException e) {
        throw new BadInputException(file, "checkpoint weights end early: they do not fit the model its metadata describes");
      }
      for (var e : block.getParameters()) {
        ai.djl.ndarray.types.Shape want = expected.get(e.getKey());
        ai.djl.ndarray.types.Shape got = e.getValue().isInitialized() ? e.getValue().getArray().getShape() : null;
        if (want != null && !want.equals(got)) {
          throw new BadInputException(file, "checkpoint weight " + e.getKey() + " is " + got + " but the model its metadata describes needs " + want
              + " (metadata and weights disagree)");
        }
      }
    }

    private byte[] bytes(long at, long length) throws IOException {
      if (length > Integer.MAX_VALUE - 16) throw new BadInputException(file, "checkpoint section of " + length + " bytes is too large to hold in memory");
      try (InputStream in = section(at, length)) {
        return in.readNBytes((int) length);
      }
    }

    /** A section of the file, which must not have changed since it was checked. */
    private InputStream section(long at, long length) throws IOException {
      if (Files.size(file) != size || Files.getLastModifiedTime(file).toMillis() != modified) {
        throw new BadInputException(file, "checkpoint changed while it was being read (a training run saving it?); try again");
      }
      InputStream in = Files.newInputStream(file);
      in.skipNBytes(at);
      return new java.io.FilterInputStream(in) {
        private long left = length;

        @Override
        public int read() throws IOException {
          if (left <= 0) return -1;
          int b = super.read();
          if (b >= 0) left--;
          return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          if (left <= 0) return -1;
          int n = super.read(b, off, (int) Math.min(len, left));
          if (n > 0) left -= n;
          return n;
        }
      };
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
