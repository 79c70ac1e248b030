package org.medvlm.fiji.ij1;

import ij.IJ;
import ij.ImagePlus;
import ij.WindowManager;
import ij.gui.GenericDialog;
import ij.plugin.PlugIn;
import java.util.Map;
import org.medvlm.data.Organ;
import org.medvlm.fiji.ModelLocator;
import org.medvlm.fiji.SegmentAction;

/**
 * ImageJ 1.x entry of "Med-VLM Segment" (and of "2D U-Net Baseline" segmenting, argument
 * {@code unet}): the same keys as the SciJava command, so one macro line works in both:
 * {@code run("Med-VLM Segment", "input=[ct.nii.gz] organ=liver model=[run] output=[seg.nii.gz] csv=[v.csv]");}
 * Without {@code input} the current image is segmented.
 */
public class SegmentPlugIn implements PlugIn {
  @Override
  public void run(String arg) {
    boolean unet = "unet".equals(arg);
    String name = unet ? "2D U-Net Baseline" : "Med-VLM Segment";
    Ij1Runs.run(name, () -> {
      GenericDialog gd = new GenericDialog(name);
      gd.addFileField("input", "");
      String[] organs = SegmentAction.organChoices().stream().filter(c -> !unet || !c.equals(SegmentAction.FREE_TEXT)).toArray(String[]::new);
      gd.addChoice("organ", organs, SegmentAction.ALL);
      if (!unet) gd.addStringField("prompt", "", 40);
      gd.addFileField("model", "");
      gd.addChoice("device", SegmentAction.DEVICES, "Auto");
      gd.addFileField("output", "");
      gd.addStringField("spacing", "");
      gd.addCheckbox("volumes", true);
      gd.addFileField("csv", "");
      gd.addCheckbox("overlay", false);
      gd.addMessage("input: NIfTI file or DICOM folder (empty: the current image); model: checkpoint or training folder\n"
          + "(empty: the installed default); output: labels as NIfTI (optional); spacing: x,y,z mm for an uncalibrated image;\n"
          + "volumes: show the organ volumes table; csv: also write the volumes to this CSV file (optional).");
      gd.showDialog();
      if (gd.wasCanceled()) {
        IJ.log(name + ": cancelled");
        return;
      }
      String input = gd.getNextString();
      String organ = gd.getNextChoice();
      String prompt = unet ? null : gd.getNextString();
      String model = gd.getNextString();
      String device = gd.getNextChoice();
      String output = gd.getNextString();
      String spacing = gd.getNextString();
      boolean volumes = gd.getNextBoolean();
      String csv = gd.getNextString();
      boolean overlay = gd.getNextBoolean();
      ImagePlus image = input.isBlank() ? WindowManager.getCurrentImage() : null;
      var r = SegmentAction.run(new SegmentAction.Request(image, Ij1Runs.path(input), organ, prompt, ModelLocator.resolve(Ij1Runs.path(model), unet ? "unet" : "medvlm"),
          device, Ij1Runs.path(output), SegmentAction.parseSpacing(spacing), true, Ij1Runs.path(csv)), IJ::log);
      String title = image != null ? image.getTitle() : Ij1Runs.path(input).getFileName().toString();
      Map<Organ, Double> ml = r.volumesMl();
      if (overlay) r.ct().setOverlay(SegmentAction.overlay(r.labels()));
      if (Ij1Runs.hasScreen()) {
        r.labels().show();
        if (overlay && r.ct().getWindow() == null) r.ct().show();
        if (volumes && !ml.isEmpty()) SegmentAction.volumesTable(ml, title).show("Med-VLM organ volumes");
      }
    });
  }
}
