package org.medvlm.fiji;

import ij.gui.GenericDialog;
import java.awt.Button;
import java.awt.Window;
import java.awt.event.ActionEvent;

/**
 * Called from the ImageJ 1.x test macro ({@code call("org.medvlm.fiji.CancelDialogProbe.cancelSegmentDialog")}):
 * opens the Med-VLM Segment dialog as a click on the menu would, presses Cancel, and reports
 * whether the plugin returned.
 */
public final class CancelDialogProbe {
  private static final String SEGMENT = "org.medvlm.fiji.ij1.SegmentPlugIn";

  private CancelDialogProbe() {}

  public static String cancelSegmentDialog() throws InterruptedException {
    // through ImageJ's plugin class loader (our classes live in the plugin jar), on a thread without macro options: the dialog shows
    Thread t = new Thread(() -> ij.IJ.runPlugIn(SEGMENT, ""), "probe");
    t.start();
    GenericDialog gd = null;
    for (int i = 0; i < 300 && gd == null; i++) {
      Thread.sleep(100);
      for (Window w : Window.getWindows()) {
        if (w instanceof GenericDialog g && g.isShowing() && "Med-VLM Segment".equals(g.getTitle())) gd = g;
      }
    }
    if (gd == null) {
      StringBuilder seen = new StringBuilder();
      for (Window w : Window.getWindows()) seen.append(w.getClass().getSimpleName()).append(w.isShowing() ? "+" : "-").append(' ');
      return "no dialog appeared (windows: " + seen + "; plugin thread " + (t.isAlive() ? "alive" : "ended") + ")";
    }
    Button[] buttons = gd.getButtons();
    gd.actionPerformed(new ActionEvent(buttons[1], ActionEvent.ACTION_PERFORMED, buttons[1].getLabel()));
    t.join(20_000);
    return t.isAlive() ? "plugin still running after Cancel" : "dialog cancelled, plugin returned";
  }
}
