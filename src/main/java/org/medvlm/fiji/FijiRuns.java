package org.medvlm.fiji;

import ij.IJ;
import ij.ImagePlus;
import java.awt.GraphicsEnvironment;
import java.io.File;
import java.nio.file.Path;
import org.medvlm.ErrorText;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;

/**
 * What every Med-VLM entry does around its action, SciJava commands and ImageJ 1.x plugins alike:
 * our class loader as the thread's context class loader ({@link PluginContext}), each failure as
 * one line in the front end's terms (macro keys, {@link MacroKeys}), no stack trace dialogs; and
 * the few things every entry shows or parses.
 */
public final class FijiRuns {
  private FijiRuns() {}

  /** Where a failed entry's one line goes: the SciJava log and the module's cancel reason, or ImageJ's Log window. */
  public interface Failure {
    /** @param unexpected the exception when it is not bad input (a bug or an engine failure, for a debug log), else null */
    void report(String line, Throwable unexpected);
  }

  public static void run(Failure failure, PluginContext.Body body) {
    try {
      PluginContext.run(body);
    } catch (Exception | OutOfMemoryError e) {
      failure.report(String.valueOf(MacroKeys.message(e)).replaceAll("\\s+", " "), ErrorText.isBadInput(e) ? null : e);
    }
  }

  /** A SciJava command's failure: an error in its log, and the module cancelled with the line, so scripts can read it. */
  public static Failure cancelling(ContextCommand command, LogService log, String name) {
    return (line, unexpected) -> {
      if (unexpected != null) log.debug(unexpected);
      log.error(name + ": " + line);
      command.cancel(name + ": " + line);
    };
  }

  public static Path path(File f) {
    return f == null || f.getPath().isBlank() ? null : f.toPath();
  }

  public static Path path(String s) {
    return s == null || s.isBlank() ? null : Path.of(s.trim());
  }

  /** True when results can be shown: a running ImageJ window, no batch mode, a screen. */
  public static boolean hasScreen() {
    return IJ.getInstance() != null && !ij.macro.Interpreter.isBatchMode() && !GraphicsEnvironment.isHeadless();
  }

  /** Shows the results where there is a screen: the label image (when asked), the volumes table, the overlay on the CT. */
  public static void present(SegmentAction.Result r, boolean labels, boolean volumes, boolean overlay) {
    if (overlay) r.ct().setOverlay(SegmentAction.overlay(r.labels()));
    if (!hasScreen()) return;
    if (labels) r.labels().show();
    if (volumes && !r.volumesMl().isEmpty()) SegmentAction.volumesTable(r.volumesMl(), r.ct().getTitle()).show("Med-VLM organ volumes");
    if (overlay && r.ct().getWindow() == null) r.ct().show();
  }

  /** The training curves as an image to show, or null without an ImageJ window (headless, a script). */
  public static ImagePlus openIfShown(Path png) {
    if (GraphicsEnvironment.isHeadless() || IJ.getInstance() == null || !png.toFile().isFile()) return null;
    return IJ.openImage(png.toString());
  }
}
