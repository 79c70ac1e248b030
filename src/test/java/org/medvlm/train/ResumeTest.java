package org.medvlm.train;

import org.medvlm.checkpoint.CheckpointStore;
import org.medvlm.checkpoint.Checkpoint;
import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medvlm.BadInputException;
import org.medvlm.data.Dataset;
import org.medvlm.data.Organ;
import org.medvlm.data.PhantomGenerator;
import org.medvlm.data.Split;
import org.medvlm.model.UNetConfig;
import org.medvlm.preprocess.AugmentConfig;
import org.medvlm.preprocess.PreprocessConfig;

/** Resuming gives the uninterrupted result; a process killed at any moment leaves a loadable checkpoint. */
class ResumeTest {
  @TempDir static Path data;
  @TempDir Path tmp;
  static final List<Organ> ORGANS = List.of(Organ.SPLEEN, Organ.LIVER);

  @BeforeAll
  static void phantoms() throws Exception {
    PhantomGenerator.writeDataset(data, 3, 8, 64, false, s -> {});
  }

  private static TrainConfig config(int epochs) {
    return config(epochs, LearningRateSchedule.CONSTANT);
  }

  /** Cosine depends on the run's length: only a resumed run of the same --epochs replays it exactly. */
  private static TrainConfig config(int epochs, LearningRateSchedule schedule) {
    PreprocessConfig pre = PreprocessConfig.defaults().withSpacing(new double[] {6, 6, Double.NaN}).withSize(32);
    return new TrainConfig(epochs, 4, 1e-3f, 1e-4f, 5, ORGANS, pre, AugmentConfig.defaults(), 2, 1f, schedule);
  }

  private static UNetTask task() {
    return new UNetTask(new UNetConfig(1, 3, 4, 2), ORGANS, 32);
  }

  private static Trainer.Result train(Path out, int epochs, boolean resume) throws Exception {
    return train(out, config(epochs), resume);
  }

  private static Trainer.Result train(Path out, TrainConfig config, boolean resume) throws Exception {
    Dataset d = Dataset.open(data, null);
    Split s = Split.of(d.cases(), "2/1", 1);
    return new Trainer(task(), config, out, Device.cpu(), TrainingListener.SILENT).run(d, s, resume);
  }

  @Test
  void resumedRunEqualsUninterruptedRun() throws Exception {
    Trainer.Result whole = train(tmp.resolve("whole"), 4, false);
    train(tmp.resolve("parts"), 2, false);
    Trainer.Result resumed = train(tmp.resolve("parts"), 4, true);
    assertEquals(4, resumed.history().size());
    for (int e = 0; e < 4; e++) {
      assertEquals(whole.history().get(e).trainLoss(), resumed.history().get(e).trainLoss(), 1e-5, "epoch " + (e + 1));
      assertEquals(whole.history().get(e).meanValDice(), resumed.history().get(e).meanValDice(), 1e-5);
    }
    byte[] a = Checkpoint.read(tmp.resolve("whole/latest.ckpt")).weights();
    byte[] b = Checkpoint.read(tmp.resolve("parts/latest.ckpt")).weights();
    assertArrayEquals(a, b, "same weights");
  }

  /** Stops (as on a signal) after {@code after} steps. */
  private static TrainingListener stopAfter(int after) {
    return new TrainingListener() {
      int steps;

      @Override
      public void step(int epoch, int epochs, int step, int total, double loss, double sps, double eta) {
        steps++;
      }

      @Override
      public void epoch(EpochMetrics metrics, boolean best) {}

      @Override
      public void message(String text) {}

      @Override
      public boolean cancelled() {
        return steps >= after;
      }
    };
  }

  @Test
  void stoppedMidEpochResumesWithTheNextStep() throws Exception {
    Dataset d = Dataset.open(data, null);
    Split s = Split.of(d.cases(), "2/1", 1);
    TrainConfig cosine = config(3, LearningRateSchedule.COSINE); // the learning rate is a function of the step: it replays too
    Trainer.Result whole = train(tmp.resolve("whole"), cosine, false);
    int perEpoch = (int) Math.ceil(whole.history().get(0).samplesPerSecond() * whole.history().get(0).seconds() / 4.0 - 1e-6);
    assertTrue(perEpoch >= 3, "several steps per epoch: " + perEpoch);
    int stopAt = perEpoch + 2; // two steps into the second epoch
    Trainer.Result stopped = new Trainer(task(), cosine, tmp.resolve("parts"), Device.cpu(), stopAfter(stopAt)).run(d, s, false);
    assertEquals(1, stopped.history().size(), "one finished epoch");
    Checkpoint c = Checkpoint.read(tmp.resolve("parts/latest.ckpt"));
    var partial = c.meta().getAsJsonObject("partial_epoch");
    assertEquals(1, partial.get("epoch").getAsInt());
    assertEquals(2, partial.get("steps").getAsInt());
    Trainer.Result resumed = train(tmp.resolve("parts"), cosine, true);
    for (int e = 0; e < 3; e++) {
      assertEquals(whole.history().get(e).trainLoss(), resumed.history().get(e).trainLoss(), 1e-5, "epoch " + (e + 1));
      assertEquals(whole.history().get(e).meanValDice(), resumed.history().get(e).meanValDice(), 1e-5);
    }
    assertArrayEquals(Checkpoint.read(tmp.resolve("whole/latest.ckpt")).weights(), Checkpoint.read(tmp.resolve("parts/latest.ckpt")).weights(),
        "same weights as the uninterrupted run");
  }

  /** SIGTERM (a scheduler's warning, scancel) to a real process: it saves where it stood and exits; --resume finishes the run. */
  @Test
  void terminatedProcessSavesItsPlaceAndResumes() throws Exception {
    Path out = tmp.resolve("terminated");
    Process p = launch(out, 40, false);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(out.resolve(CheckpointStore.LATEST)) && System.nanoTime() < deadline && p.isAlive()) Thread.sleep(50);
    Thread.sleep(300);
    p.destroy(); // SIGTERM
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "exits after saving");
    assertEquals(143, p.exitValue(), "exit status of a SIGTERM");
    var meta = Checkpoint.read(out.resolve(CheckpointStore.LATEST)).meta();
    assertTrue(meta.has("partial_epoch") || meta.get("epoch").getAsInt() >= 0, meta.toString());
    Process finish = launch(out, 3, true);
    assertEquals(0, finish.waitFor(), "resumes and finishes");
  }

  @Test
  void startingAgainInAUsedFolderNeedsResume() throws Exception {
    train(tmp.resolve("run"), 1, false);
    BadInputException e = assertThrows(BadInputException.class, () -> train(tmp.resolve("run"), 2, false));
    assertTrue(e.getMessage().contains("{resume}"), e.getMessage());
  }

  /** A real separate process, killed with SIGKILL at random moments, including during saves. */
  @Test
  void killedProcessAlwaysLeavesALoadableCheckpoint() throws Exception {
    Path out = tmp.resolve("killed");
    java.util.Random rnd = new java.util.Random(42);
    int kills = 0;
    for (int attempt = 0; attempt < 4; attempt++) {
      Process p = launch(out, 40, attempt > 0);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.exists(out.resolve(CheckpointStore.LATEST)) && System.nanoTime() < deadline && p.isAlive()) Thread.sleep(50);
      Thread.sleep(200 + rnd.nextInt(1500));
      if (p.isAlive()) {
        p.destroyForcibly().waitFor(); // SIGKILL
        kills++;
      }
      CheckpointStore.Loaded l = new CheckpointStore(out).loadLatest();
      assertEquals("unet", l.checkpoint().modelType());
    }
    assertTrue(kills >= 3, "the process was killed mid-run " + kills + " times");
    Process finish = launch(out, 6, true);
    assertEquals(0, finish.waitFor(), () -> lastLines(out));
    assertTrue(new CheckpointStore(out).loadLatest().checkpoint().meta().get("epoch").getAsInt() >= 5);
  }

  /**
   * {@code kill -9} at each file step of saving an epoch's checkpoints (before and after each
   * temporary is written, before the rotation, before each rename), over two epochs: after every
   * kill, best.ckpt exists as soon as an epoch has finished and holds the best epoch recorded, or
   * the epoch whose saving was killed; the resumed run ends with best.ckpt = the best finished epoch.
   */
  @Test
  void aKillAtAnyStepOfSavingKeepsTheBestCheckpoint() throws Exception {
    int completedAt = 0;
    for (int step = 1; step <= 16 && completedAt == 0; step++) {
      Path out = tmp.resolve("halt" + step);
      Process p = launch(out, 2, false, "-D" + CheckpointStore.HALT_PROPERTY + "=" + step);
      int code = p.waitFor();
      if (code == 0) {
        completedAt = step; // fewer steps than this: the whole run saved without being halted
        break;
      }
      assertEquals(137, code, "halted at step " + step);
      if (Files.exists(out.resolve(CheckpointStore.LATEST)) || Files.exists(out.resolve(CheckpointStore.PREVIOUS))) {
        CheckpointStore.Loaded latest = new CheckpointStore(out).loadLatest();
        int recordedBest = Trainer.bestEpochOf(history(latest.checkpoint().meta())) - 1;
        if (recordedBest >= 0) {
          assertTrue(Files.exists(out.resolve(CheckpointStore.BEST)), "step " + step + ": best.ckpt exists once an epoch is recorded");
          int held = Checkpoint.open(out.resolve(CheckpointStore.BEST)).epoch();
          assertTrue(held == recordedBest || held == latest.disk().epoch() + 1, "step " + step + ": best.ckpt holds epoch " + held + ", best recorded " + recordedBest);
        }
      }
      Process resumed = launch(out, 2, true);
      int halted = step;
      assertEquals(0, resumed.waitFor(), () -> "step " + halted + ": the resumed run finishes: " + lastLines(out));
      Checkpoint finalLatest = new CheckpointStore(out).loadLatest().checkpoint();
      int best = Trainer.bestEpochOf(history(finalLatest.meta())) - 1;
      assertEquals(best, Checkpoint.open(out.resolve(CheckpointStore.BEST)).epoch(), "step " + step + ": best.ckpt is the best finished epoch");
    }
    assertTrue(completedAt >= 8, "two epochs take at least 8 steps of saving, halted at each: " + completedAt);
  }

  /** A best.ckpt lost by an older version's order (latest saved first) is rebuilt on resuming when latest is that best epoch. */
  @Test
  void resumingRebuildsALostBestCheckpoint() throws Exception {
    Path out = tmp.resolve("lost");
    train(out, 1, false);
    Files.delete(out.resolve(CheckpointStore.BEST));
    train(out, 1, true);
    assertEquals(0, Checkpoint.open(out.resolve(CheckpointStore.BEST)).epoch(), "best.ckpt rebuilt from latest (epoch 1)");
  }

  private static String lastLines(Path out) {
    try {
      List<String> lines = Files.readAllLines(out.resolveSibling(out.getFileName() + ".log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 8), lines.size()));
    } catch (java.io.IOException e) {
      return "no log";
    }
  }

  private static List<EpochMetrics> history(com.google.gson.JsonObject meta) {
    List<EpochMetrics> h = new ArrayList<>();
    for (var e : meta.getAsJsonArray("history")) h.add(new com.google.gson.Gson().fromJson(e, EpochMetrics.class));
    return h;
  }

  private static Process launch(Path out, int epochs, boolean resume, String... jvmOptions) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(List.of(jvmOptions));
    cmd.addAll(List.of("-Dmedvlm.checkpoint.writeDelayMs=150", "-cp", System.getProperty("java.class.path"), "org.medvlm.cli.Main",
        "train", "--model", "unet", "--data", data.toString(), "--split", "2/1", "--out", out.toString(), "--epochs", String.valueOf(epochs),
        "--size", "32", "--spacing", "6", "--width", "4", "--depth", "2", "--organs", "spleen,liver", "--device", "cpu", "--batch", "4"));
    if (resume) cmd.add("--resume");
    Path log = out.resolveSibling(out.getFileName() + ".log"); // what a failed run said, for the assertion
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
  }
}
