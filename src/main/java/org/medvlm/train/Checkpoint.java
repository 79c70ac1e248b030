package org.medvlm.train;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
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

  public static Checkpoint read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new BadInputException(file, "no such checkpoint file");
    byte[] all = Files.readAllBytes(file);
    if (all.length < MAGIC.length + 8 + 32 || !Arrays.equals(Arrays.copyOf(all, MAGIC.length), MAGIC)) {
      throw new BadInputException(file, "not a Med-VLM checkpoint (wrong magic or too short)");
    }
    int bodyLen = all.length - 32;
    MessageDigest sha = sha256();
    sha.update(all, 0, bodyLen);
    if (!MessageDigest.isEqual(sha.digest(), Arrays.copyOfRange(all, bodyLen, all.length))) {
      throw new BadInputException(file, "checkpoint is damaged (checksum mismatch: truncated or corrupt)");
    }
    ByteBuffer b = ByteBuffer.wrap(all, 0, bodyLen);
    b.position(MAGIC.length);
    int version = b.getInt();
    if (version != VERSION) throw new BadInputException(file, "checkpoint format version " + version + " is not supported (expected " + VERSION + ")");
    byte[] meta = section(b, b.getInt(), file);
    byte[] weights = section(b, b.getLong(), file);
    byte[] opt = section(b, b.getLong(), file);
    JsonObject json = JsonParser.parseString(new String(meta, StandardCharsets.UTF_8)).getAsJsonObject();
    return new Checkpoint(json, weights, opt);
  }

  private static byte[] section(ByteBuffer b, long len, Path file) throws BadInputException {
    if (len < 0 || len > b.remaining()) throw new BadInputException(file, "checkpoint section length " + len + " exceeds the file");
    byte[] out = new byte[(int) len];
    b.get(out);
    return out;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
