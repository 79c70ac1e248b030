package org.medvlm.train;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.medvlm.BadInputException;
import org.medvlm.io.AtomicFiles;

/**
 * The checkpoints of one training folder: {@code latest.ckpt} and the generation before it,
 * {@code previous.ckpt}, plus {@code best.ckpt}. A save writes and syncs the new file first, then
 * rotates latest to previous and renames the new file in; so at every moment, even if the
 * process is killed mid-save, at least one complete, checksummed checkpoint exists, and loading
 * falls back to the older one when the newer is damaged or missing.
 */
public final class CheckpointStore {
  public static final String LATEST = "latest.ckpt";
  public static final String PREVIOUS = "previous.ckpt";
  public static final String BEST = "best.ckpt";

  private final Path dir;

  public CheckpointStore(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  /** Removes temporary files left by a save that was killed. */
  public void removeStaleTemporaries() throws IOException {
    AtomicFiles.removeStaleTemporaries(dir, java.util.List.of(LATEST, BEST));
  }

  public void saveLatest(Checkpoint c) throws IOException {
    Path latest = dir.resolve(LATEST);
    Path tmp = AtomicFiles.writeTemporary(latest, c::writeTo);
    try {
      if (Files.exists(latest)) {
        Files.move(latest, dir.resolve(PREVIOUS), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw new BadInputException(latest, "cannot rotate checkpoints: " + e.getMessage(), e);
    }
    AtomicFiles.commit(tmp, latest);
  }

  public void saveBest(Checkpoint c) throws IOException {
    Path best = dir.resolve(BEST);
    AtomicFiles.commit(AtomicFiles.writeTemporary(best, c::writeTo), best);
  }

  public boolean hasLatest() {
    return Files.exists(dir.resolve(LATEST)) || Files.exists(dir.resolve(PREVIOUS));
  }

  /** The newest loadable checkpoint: latest, else previous; says why neither loads otherwise. */
  public Loaded loadLatest() throws IOException {
    String latestProblem;
    try {
      return new Loaded(Checkpoint.open(dir.resolve(LATEST)), null);
    } catch (BadInputException e) {
      latestProblem = e.problem();
    }
    try {
      return new Loaded(Checkpoint.open(dir.resolve(PREVIOUS)), LATEST + ": " + latestProblem);
    } catch (BadInputException e) {
      throw new BadInputException(dir, "no loadable checkpoint (" + LATEST + ": " + latestProblem + "; " + PREVIOUS + ": " + e.problem() + ")");
    }
  }

  /**
   * A checked checkpoint file, its weights still on disk; {@code fallbackReason} is set when the
   * newer one failed.
   */
  public record Loaded(Checkpoint.OnDisk disk, String fallbackReason) {
    public Path file() {
      return disk.file();
    }

    public JsonObject meta() {
      return disk.meta();
    }

    /** The whole checkpoint in memory (weights and optimiser state), for resuming training. */
    public Checkpoint checkpoint() throws IOException {
      return disk.read();
    }
  }

  /**
   * What a user means by a model path: a checkpoint file, or a training folder (its best
   * checkpoint, else its latest).
   */
  public static Loaded open(Path fileOrDir) throws IOException {
    if (Files.isDirectory(fileOrDir)) {
      Path best = fileOrDir.resolve(BEST);
      if (Files.exists(best)) return new Loaded(Checkpoint.open(best), null);
      return new CheckpointStore(fileOrDir).loadLatest();
    }
    if (!Files.exists(fileOrDir)) throw new BadInputException(fileOrDir, "no such checkpoint file or training folder");
    return new Loaded(Checkpoint.open(fileOrDir), null);
  }
}
