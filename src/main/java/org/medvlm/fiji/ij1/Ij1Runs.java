package org.medvlm.fiji.ij1;

import ij.IJ;
import ij.Macro;
import ij.gui.GenericDialog;
import java.util.function.Consumer;
import org.medvlm.fiji.FijiRuns;
import org.medvlm.fiji.PluginContext;

/**
 * Around every ImageJ 1.x entry: {@link FijiRuns} with errors as one line in the Log window and a
 * message box only when a person clicked; and the entries' dialogs.
 */
final class Ij1Runs {
  private Ij1Runs() {}

  static void run(String name, PluginContext.Body body) {
    FijiRuns.run((line, unexpected) -> {
      String logged = name + ": error: " + line;
      IJ.log(logged);
      if (Macro.getOptions() == null && !IJ.isMacro()) IJ.error(name, logged);
    }, body);
  }

  /** What an entry does with its filled dialog. */
  interface DialogAction {
    void run(GenericDialog filled) throws Exception;
  }

  /**
   * Runs the entry {@code name} ({@link #run}): the dialog {@code fields} fills, shown (a macro's
   * options fill it without showing it), then {@code action}; a cancelled dialog is one log line.
   */
  static void runDialog(String name, Consumer<GenericDialog> fields, DialogAction action) {
    run(name, () -> {
      GenericDialog gd = new GenericDialog(name);
      fields.accept(gd);
      gd.showDialog();
      if (gd.wasCanceled()) IJ.log(name + ": cancelled");
      else action.run(gd);
    });
  }
}
