package org.medvlm.train;

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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
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

  /** Reads a whole checkpoint (weights and optimiser state), checked; what resuming training needs. */
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
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
      byte[] magic = in.readNBytes(MAGIC.length);
      if (size < MAGIC.length + 4 + 4 + 8 + 8 + 32 || !Arrays.equals(magic, MAGIC)) {
        throw new BadInputException(file, "not a Med-VLM checkpoint (wrong magic or too short)");
      }
      MessageDigest sha = sha256();
      sha.update(magic);
      byte[] buf = new byte[1 << 20];
      for (long left = size - 32 - MAGIC.length; left > 0; ) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) throw new BadInputException(file, "checkpoint is damaged (shorter than it was a moment ago)");
        sha.update(buf, 0, n);
        left -= n;
      }
      if (!MessageDigest.isEqual(sha.digest(), in.readNBytes(32))) {
        throw new BadInputException(file, "checkpoint is damaged (checksum mismatch: truncated or corrupt)");
      }
    }
    try (DataInputStream d = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
      d.skipNBytes(MAGIC.length);
      int version = d.readInt();
      if (version != VERSION) throw new BadInputException(file, "checkpoint format version " + version + " is not supported (expected " + VERSION + ")");
      long body = size - 32;
      int metaLength = d.readInt();
      long at = MAGIC.length + 4 + 4;
      if (metaLength < 0 || at + metaLength > body) throw new BadInputException(file, "checkpoint section length " + metaLength + " exceeds the file");
      JsonObject meta = JsonParser.parseString(new String(d.readNBytes(metaLength), StandardCharsets.UTF_8)).getAsJsonObject();
      at += metaLength;
      long weightsLength = d.readLong();
      at += 8;
      if (weightsLength < 0 || at + weightsLength + 8 > body) throw new BadInputException(file, "checkpoint section length " + weightsLength + " exceeds the file");
      long weightsAt = at;
      d.skipNBytes(weightsLength);
      long optLength = d.readLong();
      at += weightsLength + 8;
      if (optLength < 0 || at + optLength != body) throw new BadInputException(file, "checkpoint section length " + optLength + " does not fit the file");
      return new OnDisk(file, meta, weightsAt, weightsLength, at, optLength, size, modified);
    }
  }

  /** A checked checkpoint file: its metadata, and where its sections lie. */
  public record OnDisk(Path file, JsonObject meta, long weightsAt, long weightsLength, long optimizerAt, long optimizerLength, long size, long modified) {
    public String modelType() {
      return meta.get("model_type").getAsString();
    }

    /** The whole checkpoint, weights and optimiser state in memory. */
    public Checkpoint read() throws IOException {
      return new Checkpoint(meta, bytes(weightsAt, weightsLength), bytes(optimizerAt, optimizerLength));
    }

    /**
     * Streams the weights from the file into {@code block}, which must be initialised; its
     * initial arrays are freed first (DJL's loading replaces them without closing them, which
     * would keep two copies of every weight for the model's lifetime).
     */
    public void loadWeightsInto(Block block, NDManager manager) throws IOException, MalformedModelException {
      try (InputStream in = section(weightsAt, weightsLength)) {
        for (Parameter p : block.getParameters().values()) if (p.isInitialized()) p.getArray().close();
        block.loadParameters(manager, new DataInputStream(new BufferedInputStream(in, 1 << 20)));
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
