package org.medvlm.cli;

import java.io.PrintWriter;
import java.util.Locale;
import org.medvlm.train.EpochMetrics;
import org.medvlm.train.TrainingListener;

/** Training progress on the console: a bar rewritten in place, and one line per epoch. */
final class ConsoleProgress implements TrainingListener {
  private final PrintWriter err;
  private long lastDraw;

  ConsoleProgress(PrintWriter err) {
    this.err = err;
  }

  @Override
  public void step(int epoch, int epochs, int step, int steps, double loss, double sps, double eta) {
    long now = System.nanoTime();
    if (step != steps && now - lastDraw < 200_000_000L) return;
    lastDraw = now;
    int width = 24;
    int filled = (int) Math.round(width * step / (double) steps);
    err.printf(Locale.ROOT, "\repoch %d/%d [%s%s] step %d/%d loss %.4f %.1f slices/s ETA %s   ", epoch, epochs,
        "#".repeat(filled), " ".repeat(width - filled), step, steps, loss, sps, duration(eta));
    err.flush();
  }

  @Override
  public void epoch(EpochMetrics m, boolean best) {
    err.printf(Locale.ROOT, "%nepoch %d: train loss %.4f, val loss %.4f, val Dice %.3f (3D, mean of %d organs), slice Dice %.3f, train Dice %.3f, %.0f s%s%n",
        m.epoch(), m.trainLoss(), m.valLoss(), m.meanValDice(), m.valDice().size(), m.valSliceDice(), m.meanTrainDice(), m.seconds(), best ? "  (best so far)" : "");
  }

  @Override
  public void message(String text) {
    err.println(Main.oneLine(text));
  }

  static String duration(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60) : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
  }
}
