package org.medvlm.fiji.ij1;

import ij.IJ;
import ij.Macro;
import java.nio.file.Path;
import org.medvlm.ErrorText;
import org.medvlm.fiji.PluginContext;

/**
 * Around every ImageJ 1.x entry: our class loader as the thread's context class loader (ImageJ's
 * plugin class loader loads our jars; {@link PluginContext}); errors as one line in the Log
 * window, a message box only when a person clicked.
 */
final class Ij1Runs {
  private Ij1Runs() {}

  static void run(String name, PluginContext.Body body) {
    try {
      PluginContext.run(body);
    } catch (Exception | OutOfMemoryError e) {
      fail(name, org.medvlm.fiji.MacroKeys.message(e));
    }
  }

  private static void fail(String name, String message) {
    String line = name + ": error: " + String.valueOf(message).replaceAll("\\s+", " ");
    IJ.log(line);
    if (Macro.getOptions() == null && !IJ.isMacro()) IJ.error(name, line);
  }

  /** True when results can be shown: a running ImageJ window and no batch mode. */
  static boolean hasScreen() {
    return IJ.getInstance() != null && !ij.macro.Interpreter.isBatchMode() && !java.awt.GraphicsEnvironment.isHeadless();
  }

  static Path path(String s) {
    return s == null || s.isBlank() ? null : Path.of(s.trim());
  }
}
