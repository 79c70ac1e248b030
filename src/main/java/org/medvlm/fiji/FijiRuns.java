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
 * What every Med-VLM command does around its action: our class loader as the thread's context
 * class loader ({@link PluginContext}), one-line errors in the log, no stack trace dialogs.
 */
final class FijiRuns {
  private FijiRuns() {}

  static void run(ContextCommand command, LogService log, String name, PluginContext.Body body) {
    try {
      PluginContext.run(body);
    } catch (Exception | OutOfMemoryError e) {
      fail(command, log, name + ": " + MacroKeys.message(e), ErrorText.isBadInput(e) ? null : e);
    }
  }

  private static void fail(ContextCommand command, LogService log, String message, Throwable cause) {
    String line = message.replaceAll("\\s+", " ");
    if (cause != null) log.debug(cause);
    log.error(line);
    command.cancel(line);
  }

  static Path path(File f) {
    return f == null || f.getPath().isBlank() ? null : f.toPath();
  }

  static Path path(String s) {
    return s == null || s.isBlank() ? null : Path.of(s.trim());
  }

  /** Shows the results where there is a screen: the volumes table, the overlay on the CT. */
  static void present(SegmentAction.Result r, boolean volumes, boolean overlay) {
    if (overlay) r.ct().setOverlay(SegmentAction.overlay(r.labels()));
    if (GraphicsEnvironment.isHeadless() || IJ.getInstance() == null || ij.macro.Interpreter.isBatchMode()) return;
    if (volumes && !r.volumesMl().isEmpty()) SegmentAction.volumesTable(r.volumesMl(), r.ct().getTitle()).show("Med-VLM organ volumes");
    if (overlay && r.ct().getWindow() == null) r.ct().show();
  }

  static ImagePlus openIfShown(Path png) {
    if (GraphicsEnvironment.isHeadless() || IJ.getInstance() == null || !png.toFile().isFile()) return null;
    return IJ.openImage(png.toString());
  }
}
