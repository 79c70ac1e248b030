package org.medvlm.fiji;

import ij.IJ;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.medvlm.infer.CancelToken;
import org.medvlm.infer.JobListener;

/**
 * A segmentation job in Fiji or ImageJ 1.x: the slices done in the progress bar, the case in the
 * status bar, messages in the log; Esc cancels at the next batch of slices (nothing of the case
 * being segmented is written).
 */
public final class FijiProgress implements JobListener {
  private final String name;
  private final BiConsumer<Integer, Integer> progress;
  private final Consumer<String> status;
  private final Consumer<String> log;
  private final CancelToken cancel;
  private String current = "";

  /**
   * @param progress shows done of total (SciJava's {@code StatusService.showProgress}, {@code IJ.showProgress})
   * @param status shows a line in the status bar
   */
  public FijiProgress(String name, BiConsumer<Integer, Integer> progress, Consumer<String> status, Consumer<String> log, CancelToken cancel) {
    this.name = name;
    this.progress = progress;
    this.status = status;
    this.log = log;
    this.cancel = cancel;
    IJ.resetEscape();
  }

  /** The ImageJ 1.x status and progress bars and log. */
  public static FijiProgress imageJ1(String name, CancelToken cancel) {
    return new FijiProgress(name, IJ::showProgress, IJ::showStatus, IJ::log, cancel);
  }

  @Override
  public void message(String line) {
    log.accept(name + ": " + MacroKeys.in(line));
  }

  @Override
  public void warning(String line) {
    log.accept(name + ": warning: " + MacroKeys.in(line));
  }

  @Override
  public void caseStarted(int index, int count, String id) {
    current = " [" + index + "/" + count + "] " + id;
  }

  @Override
  public void slicesDone(int done, int total) {
    progress.accept(done, total);
    status.accept(name + current + ": " + done + "/" + total + " slices (Esc cancels)");
    if (IJ.escapePressed()) cancel.cancel();
  }

  @Override
  public void caseFinished(int index, int count, String id, double seconds) {
    message(String.format(java.util.Locale.ROOT, "[%d/%d] %s: %.1f s", index, count, id, seconds));
  }

  @Override
  public void caseFailed(int index, int count, String id, String problem) {
    message("[" + index + "/" + count + "] " + id + ": FAILED: " + problem);
  }
}
