package org.medvlm.fiji;

import ij.IJ;
import ij.ImagePlus;
import ij.WindowManager;
import ij.gui.GenericDialog;
import ij.gui.ImageWindow;
import ij.plugin.frame.Recorder;
import java.awt.Button;
import java.awt.Checkbox;
import java.awt.Choice;
import java.awt.Frame;
import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.TextField;
import java.awt.Window;
import java.awt.event.ActionEvent;
import java.awt.image.BufferedImage;
import java.io.File;
import java.util.Vector;
import javax.imageio.ImageIO;

/**
 * Driven from the screenshots test's macro ({@code call("org.medvlm.fiji.ScreenshotProbe.segment", ...)}):
 * clicks through the Med-VLM dialogs as a person would (menu command, fields typed, OK), with the
 * macro recorder on, and saves what the screen shows: each dialog, the label overlay on the CT,
 * the organ volumes table, ImageJ's window with the training progress and the learning curves.
 */
public final class ScreenshotProbe {
  private ScreenshotProbe() {}

  /** Segments {@code ct} with the default model from the Segment dialog; returns the line the recorder wrote. */
  public static String segment(String outDir, String ct, String seg) throws Exception {
    Recorder recorder = new Recorder();
    Recorder.record = true;
    IJ.doCommand("Med-VLM Segment"); // as a click on the menu: its own thread, recorded
    GenericDialog gd = dialog("Med-VLM Segment");
    Vector<?> text = gd.getStringFields(); // input, prompt, model, output, spacing, csv
    ((TextField) text.get(0)).setText(ct);
    ((TextField) text.get(3)).setText(seg);
    ((Checkbox) gd.getCheckboxes().get(1)).setState(true); // overlay
    capture(gd, outDir, "fiji-segment-dialog.png");
    press(gd, 0);
    ImageWindow labels = awaitImageWindow("-labels", 240);
    Window table = await(() -> WindowManager.getWindow("Med-VLM organ volumes"), 60);
    Thread.sleep(1500);
    String title = new File(ct).getName();
    ImagePlus ctImage = WindowManager.getImage(title);
    ctImage.setSlice(sliceWithMost(labels.getImagePlus(), 6)); // the liver's largest slice
    ImageWindow w = ctImage.getWindow();
    for (int i = 0; i < 4; i++) w.getCanvas().zoomIn(0, 0);
    w.pack();
    Thread.sleep(1500);
    capture(w, outDir, "fiji-labels-overlay.png");
    table.setSize(600, 340); // wide enough for the volume column
    table.validate();
    capture(table, outDir, "fiji-volumes-table.png");
    String recorded = recorder.getText();
    Recorder.record = false;
    recorder.close();
    for (String line : recorded.split("\n")) if (line.startsWith("run(\"Med-VLM Segment\"")) return line;
    return "nothing recorded: " + recorded;
  }

  /** Trains a small U-Net from the 2D U-Net Baseline dialogs; captures the dialog, the progress while it runs and the curves. */
  public static String train(String outDir, String data, String run) throws Exception {
    IJ.doCommand("2D U-Net Baseline");
    GenericDialog mode = dialog("2D U-Net Baseline");
    ((Choice) mode.getChoices().get(0)).select("Train");
    press(mode, 0);
    GenericDialog gd = dialog("2D U-Net Baseline (train)");
    Vector<?> text = gd.getStringFields(); // dataset, labelmap, moredata, output
    ((TextField) text.get(0)).setText(data);
    ((TextField) text.get(3)).setText(run);
    Vector<?> numbers = gd.getNumericFields(); // epochs, size
    ((TextField) numbers.get(0)).setText("8");
    ((TextField) numbers.get(1)).setText("64");
    ((Choice) gd.getChoices().get(0)).select("CPU");
    capture(gd, outDir, "fiji-train-dialog.png");
    press(gd, 0);
    // ImageJ's window shows the status line and progress bar while it trains; keep a capture from mid-run
    Frame main = IJ.getInstance();
    int shots = 0;
    long t0 = System.currentTimeMillis();
    while (WindowManager.getImage("curves.png") == null && System.currentTimeMillis() - t0 < 240_000) {
      Thread.sleep(1000);
      String status = ij.ImageJ.getStatusBarText();
      if (status != null && status.contains("epoch") && shots++ < 4) capture(main, outDir, "fiji-training-progress.png");
    }
    ImagePlus curves = WindowManager.getImage("curves.png");
    if (curves == null) return "no learning curves shown";
    Thread.sleep(1000);
    capture(curves.getWindow(), outDir, "fiji-learning-curves.png");
    return "trained; progress shots " + shots;
  }

  private static int sliceWithMost(ImagePlus labels, int id) {
    int best = 1;
    long most = -1;
    for (int z = 1; z <= labels.getStackSize(); z++) {
      var ip = labels.getStack().getProcessor(z);
      long n = 0;
      for (int i = 0; i < ip.getPixelCount(); i++) if (ip.get(i) == id) n++;
      if (n > most) {
        most = n;
        best = z;
      }
    }
    return best;
  }

  private static GenericDialog dialog(String title) throws Exception {
    return await(() -> {
      for (Window w : Window.getWindows()) if (w instanceof GenericDialog g && g.isShowing() && title.equals(g.getTitle())) return g;
      return null;
    }, 60);
  }

  private static ImageWindow awaitImageWindow(String titleEnd, int seconds) throws Exception {
    return await(() -> {
      for (int id : WindowManager.getIDList() == null ? new int[0] : WindowManager.getIDList()) {
        ImagePlus imp = WindowManager.getImage(id);
        if (imp != null && imp.getTitle().endsWith(titleEnd) && imp.getWindow() != null) return imp.getWindow();
      }
      return null;
    }, seconds);
  }

  private interface Probe<T> {
    T get();
  }

  private static <T> T await(Probe<T> probe, int seconds) throws Exception {
    for (int i = 0; i < seconds * 10; i++) {
      T t = probe.get();
      if (t != null) return t;
      Thread.sleep(100);
    }
    throw new IllegalStateException("waited " + seconds + " s in vain");
  }

  private static void press(GenericDialog gd, int button) {
    Button b = gd.getButtons()[button];
    gd.actionPerformed(new ActionEvent(b, ActionEvent.ACTION_PERFORMED, b.getLabel()));
  }

  private static void capture(Window w, String outDir, String name) throws Exception {
    w.toFront();
    Thread.sleep(700);
    // where the window really is (without a window manager, getBounds can lag behind the peer)
    Rectangle r = new Rectangle(w.getLocationOnScreen(), w.getSize());
    BufferedImage shot = new Robot().createScreenCapture(r);
    ImageIO.write(shot, "png", new File(outDir, name));
  }
}
