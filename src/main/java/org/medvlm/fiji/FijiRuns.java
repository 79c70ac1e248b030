package org.medvlm.fiji;

import ij.IJ;
import ij.ImagePlus;
import java.awt.GraphicsEnvironment;
import java.io.File;
import java.nio.file.Path;
import org.medvlm.BadInputException;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;

/** What every Med-VLM command does around its action: one-line errors in the log, no stack trace dialogs. */
final class FijiRuns {
  interface Body {
    void run() throws Exception;
  }

  private FijiRuns() {}

  static void run(ContextCommand command, LogService log, String name, Body body) {
    try {
      body.run();
    } catch (BadInputException e) {
      fail(command, log, name + ": " + e.getMessage(), null);
    } catch (Exception | OutOfMemoryError e) {
      fail(command, log, name + ": " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
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

  static void writeCsv(String csv, SegmentAction.Result r) throws java.io.IOException {
    if (path(csv) != null) SegmentAction.writeVolumesCsv(path(csv), r.ct().getTitle(), r.volumesMl(), true);
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
