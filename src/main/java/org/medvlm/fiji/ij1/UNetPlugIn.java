package org.medvlm.fiji.ij1;

import ij.IJ;
import ij.gui.GenericDialog;
import ij.plugin.PlugIn;

/** ImageJ 1.x entry of "2D U-Net Baseline": {@code mode=Segment} or {@code mode=Train}, then the keys of that mode. */
public class UNetPlugIn implements PlugIn {
  @Override
  public void run(String arg) {
    GenericDialog gd = new GenericDialog("2D U-Net Baseline");
    gd.addChoice(DialogField.MODE.label(), new String[] {"Segment", "Train"}, "Segment");
    gd.showDialog();
    if (gd.wasCanceled()) {
      IJ.log("2D U-Net Baseline: cancelled");
      return;
    }
    if (gd.getNextChoice().equals("Train")) new TrainPlugIn().run("unet");
    else new SegmentPlugIn().run("unet");
  }
}
