package org.medvlm.checkpoint;

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
 *
 * <p>An epoch that is the best so far saves {@code best.ckpt} before {@code latest.ckpt}
 * ({@link #saveEpoch}): so whatever moment a kill strikes, {@code best.ckpt} holds the best epoch of
 * the history that {@code latest.ckpt} records (a kill between the two leaves the best epoch only
 * in {@code best.ckpt}, and the resumed run replays that epoch exactly). {@link #repairBest}
 * rebuilds a {@code best.ckpt} that an older version's order lost.
 */
public final class CheckpointStore {
  public static final String LATEST = "latest.ckpt";
  public static final String PREVIOUS = "previous.ckpt";
  public static final String BEST = "best.ckpt";

  /**
   * Testing aid: the process halts (as under {@code kill -9}: no cleanup, no shutdown hooks) just
   * before its N-th file step of saving (a temporary written, a rotation, a rename), counted from 1.
   */
  public static final String HALT_PROPERTY = "medvlm.checkpoint.haltBeforeStep";
  private static final java.util.concurrent.atomic.AtomicInteger STEPS = new java.util.concurrent.atomic.AtomicInteger();

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
    haltIfAsked();
    Path tmp = AtomicFiles.writeTemporary(latest, c::writeTo);
    try {
      if (Files.exists(latest)) {
        haltIfAsked();
        Files.move(latest, dir.resolve(PREVIOUS), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw new BadInputException(latest, "cannot rotate checkpoints: " + e.getMessage(), e);
    }
    haltIfAsked();
    AtomicFiles.commit(tmp, latest);
  }

  public void saveBest(Checkpoint c) throws IOException {
    Path best = dir.resolve(BEST);
    haltIfAsked();
    Path tmp = AtomicFiles.writeTemporary(best, c::writeTo);
    haltIfAsked();
    AtomicFiles.commit(tmp, best);
  }

  private static void haltIfAsked() {
    int at = Integer.getInteger(HALT_PROPERTY, 0);
    if (at > 0 && STEPS.incrementAndGet() == at) Runtime.getRuntime().halt(137);
  }

  /** The checkpoints of a finished epoch: best first when it is the best so far, then latest. */
  public void saveEpoch(Checkpoint c, boolean best) throws IOException {
    if (best) saveBest(c);
    saveLatest(c);
  }

  /**
   * After resuming from {@code latest}: makes sure {@code best.ckpt} holds the history's best
   * finished epoch ({@code bestEpoch}, 0-based; -1 when none finished). When it is missing or
   * holds another epoch and {@code latest} is that epoch's end, latest is copied to best.
   *
   * @return what was done, or null when best was in order
   */
  public String repairBest(Loaded latest, int bestEpoch) throws IOException {
    if (bestEpoch < 0) return null;
    Path best = dir.resolve(BEST);
    Integer held = null;
    if (Files.exists(best)) {
      try {
        held = Checkpoint.open(best).epoch();
      } catch (BadInputException damaged) {
        held = null;
      }
    }
    if (held != null && held == bestEpoch) return null;
    boolean latestIsBest = latest.disk().epoch() == bestEpoch && !latest.meta().has("partial_epoch");
    if (!latestIsBest) {
      return BEST + " does not hold the best epoch " + (bestEpoch + 1) + (held == null ? " (it is missing or damaged)" : " (it holds epoch " + (held + 1) + ")")
          + " and that epoch's weights are gone; it will be replaced by the next epoch that beats it";
    }
    Checkpoint c = latest.checkpoint();
    AtomicFiles.commit(AtomicFiles.writeTemporary(best, c::writeTo), best);
    return "rebuilt " + BEST + " from " + latest.file().getFileName() + " (epoch " + (bestEpoch + 1) + ", the best so far; a kill had lost it)";
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
