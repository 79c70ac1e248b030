package org.medvlm.checkpoint;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medvlm.BadInputException;

class CheckpointStoreTest {
  @TempDir Path tmp;

  static Checkpoint ckpt(int epoch) {
    JsonObject meta = new JsonObject();
    meta.addProperty("model_type", "unet");
    meta.addProperty("epoch", epoch);
    return new Checkpoint(meta, new byte[] {1, 2, (byte) epoch}, new byte[] {9, 8});
  }

  @Test
  void roundTripAndChecksum() throws Exception {
    Path f = tmp.resolve("c.ckpt");
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    ckpt(3).writeTo(b);
    byte[] bytes = b.toByteArray();
    Files.write(f, bytes);
    Checkpoint c = Checkpoint.read(f);
    assertEquals(3, c.meta().get("epoch").getAsInt());
    assertArrayEquals(new byte[] {1, 2, 3}, c.weights());
    assertArrayEquals(new byte[] {9, 8}, c.optimizer());
    // opened (checked, metadata read) but not yet loaded, then replaced: refused, not mixed up
    Checkpoint.OnDisk opened = Checkpoint.open(f);
    ByteArrayOutputStream other = new ByteArrayOutputStream();
    ckpt(12345).writeTo(other);
    Files.write(f, other.toByteArray());
    assertTrue(assertThrows(BadInputException.class, opened::read).getMessage().contains("changed while it was being read"));
    Files.write(f, bytes);
    // every cut of the file is refused with a one-line reason
    for (int cut = 0; cut < bytes.length; cut += 7) {
      Files.write(f, java.util.Arrays.copyOf(bytes, cut));
      BadInputException e = assertThrows(BadInputException.class, () -> Checkpoint.open(f), "cut at " + cut);
      assertTrue(e.getMessage().contains("damaged") || e.getMessage().contains("not a Med-VLM checkpoint"), e.getMessage());
    }
    Files.write(f, bytes);
    bytes[bytes.length / 2] ^= 1;
    Files.write(f, bytes);
    assertTrue(assertThrows(BadInputException.class, () -> Checkpoint.read(f)).getMessage().contains("damaged"));
    Files.writeString(f, "PK not a checkpoint");
    assertTrue(assertThrows(BadInputException.class, () -> Checkpoint.read(f)).getMessage().contains("not a Med-VLM checkpoint"));
  }

  @Test
  void twoGenerationsAndFallbackToTheOlderOne() throws Exception {
    CheckpointStore store = new CheckpointStore(tmp);
    store.saveLatest(ckpt(1));
    store.saveLatest(ckpt(2));
    assertEquals(2, store.loadLatest().checkpoint().meta().get("epoch").getAsInt());
    byte[] latest = Files.readAllBytes(tmp.resolve(CheckpointStore.LATEST));
    Files.write(tmp.resolve(CheckpointStore.LATEST), java.util.Arrays.copyOf(latest, latest.length - 7));
    CheckpointStore.Loaded l = store.loadLatest();
    assertEquals(1, l.checkpoint().meta().get("epoch").getAsInt());
    assertTrue(l.fallbackReason().contains("damaged"), l.fallbackReason());
    Files.delete(tmp.resolve(CheckpointStore.LATEST));
    assertEquals(1, store.loadLatest().checkpoint().meta().get("epoch").getAsInt(), "killed between rotation and rename");
    Files.delete(tmp.resolve(CheckpointStore.PREVIOUS));
    BadInputException e = assertThrows(BadInputException.class, store::loadLatest);
    assertTrue(e.getMessage().contains("no loadable checkpoint"), e.getMessage());
  }

  @Test
  void aFolderMeansItsBestCheckpoint() throws Exception {
    CheckpointStore store = new CheckpointStore(tmp);
    store.saveLatest(ckpt(5));
    store.saveBest(ckpt(4));
    assertEquals(4, CheckpointStore.open(tmp).checkpoint().meta().get("epoch").getAsInt());
    assertEquals(5, CheckpointStore.open(tmp.resolve(CheckpointStore.LATEST)).checkpoint().meta().get("epoch").getAsInt());
    try (var s = Files.list(tmp)) {
      assertEquals(2, s.count(), "latest and best, no temporary files");
    }
  }
}
