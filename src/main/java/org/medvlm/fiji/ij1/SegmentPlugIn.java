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
      gd.addFileField(DialogField.INPUT.label(), "");
      String[] organs = SegmentAction.organChoices(!unet).toArray(String[]::new);
      gd.addChoice(DialogField.ORGAN.label(), organs, SegmentAction.ALL);
      if (!unet) gd.addStringField(DialogField.PROMPT.label(), "", 40);
      gd.addFileField(DialogField.MODEL.label(), "");
      gd.addChoice(DialogField.DEVICE.label(), SegmentAction.DEVICES, "Auto");
      gd.addFileField(DialogField.OUTPUT.label(), "");
      gd.addStringField(DialogField.SPACING.label(), "");
      gd.addCheckbox(DialogField.VOLUMES.label(), true);
      gd.addFileField(DialogField.CSV.label(), "");
      gd.addCheckbox(DialogField.OVERLAY.label(), false);
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
