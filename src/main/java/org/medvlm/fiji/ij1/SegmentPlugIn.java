package org.medvlm.fiji.ij1;

import ij.IJ;
import ij.ImagePlus;
import ij.WindowManager;
import ij.gui.GenericDialog;
import ij.plugin.PlugIn;
import org.medvlm.fiji.FijiRuns;
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
    Ij1Runs.runDialog(name, d -> fields(d, unet), gd -> segment(gd, unet));
  }

  private static void fields(GenericDialog d, boolean unet) {
    d.addFileField(DialogField.INPUT.label(), "");
    d.addChoice(DialogField.ORGAN.label(), SegmentAction.organChoices(!unet).toArray(String[]::new), SegmentAction.ALL);
    if (!unet) d.addStringField(DialogField.PROMPT.label(), "", 40);
    d.addFileField(DialogField.MODEL.label(), "");
    d.addChoice(DialogField.DEVICE.label(), SegmentAction.DEVICES, "Auto");
    d.addFileField(DialogField.OUTPUT.label(), "");
    d.addStringField(DialogField.SPACING.label(), "");
    d.addCheckbox(DialogField.VOLUMES.label(), true);
    d.addFileField(DialogField.CSV.label(), "");
    d.addCheckbox(DialogField.OVERLAY.label(), false);
  }

  private static void segment(GenericDialog gd, boolean unet) throws Exception {
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
    var r = SegmentAction.run(new SegmentAction.Request(image, FijiRuns.path(input), organ, prompt, ModelLocator.resolve(FijiRuns.path(model), unet ? "unet" : "medvlm"),
        device, FijiRuns.path(output), SegmentAction.parseSpacing(spacing), true, FijiRuns.path(csv)), IJ::log);
    FijiRuns.present(r, true, volumes, overlay);
  }
}
