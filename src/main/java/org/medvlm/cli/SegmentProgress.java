package org.medvlm.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import org.medvlm.device.Devices;
import org.medvlm.infer.JobListener;
import org.medvlm.infer.Segmenter;
import org.medvlm.infer.StarterModel;

/** A segmentation job on the console: the model, a progress bar of slices rewritten in place, a line per case, the time of each phase. */
final class SegmentProgress implements JobListener {
  private final PrintWriter err;
  private final String modelName; // null: the segmenter's file
  private final PhaseTimes times = new PhaseTimes();
  private long lastDraw;
  private boolean barShown;

  /** @param modelName how to name the model in the first line (null: its file) */
  SegmentProgress(PrintWriter err, String modelName) {
    this.err = err;
    this.modelName = modelName;
  }

  PhaseTimes times() {
    return times;
  }

  @Override
  public void modelOpened(Segmenter seg) {
    times.mark("model");
    String which = modelName != null ? modelName : seg.source().toString();
    err.println("model " + which + " (" + seg.organs().size() + " organs); device: " + Devices.describe(List.of(seg.device())));
  }

  @Override
  public void message(String line) {
    endBar();
    err.println(line);
  }

  @Override
  public void warning(String line) {
    endBar();
    err.println("warning: " + line);
  }

  @Override
  public void slicesDone(int done, int total) {
    long now = System.nanoTime();
    if (done != total && now - lastDraw < 200_000_000L) return;
    lastDraw = now;
    int width = 24;
    int filled = (int) Math.round(width * done / (double) total);
    err.printf(Locale.ROOT, "\rsegmenting [%s%s] %d/%d slices   ", "#".repeat(filled), " ".repeat(width - filled), done, total);
    err.flush();
    barShown = true;
  }

  @Override
  public void caseFinished(int index, int count, String id, double seconds) {
    message(String.format(Locale.ROOT, "[%d/%d] %s: %.1f s", index, count, id, seconds));
  }

  @Override
  public void caseFailed(int index, int count, String id, String problem) {
    message("medvlm: error: " + Main.oneLine(problem));
  }

  @Override
  public void phase(String name) {
    endBar();
    times.mark(name);
  }

  private void endBar() {
    if (barShown) err.println();
    barShown = false;
  }

  /** The starter model's name in the first line, or null for a model the user gave. */
  static String starterName(String spec) {
    boolean starter = spec == null || spec.isBlank() || StarterModel.isStarter(spec);
    return starter ? StarterModel.NAME + ", the starter model (docs/models.md; give --model for your own)" : null;
  }
}
