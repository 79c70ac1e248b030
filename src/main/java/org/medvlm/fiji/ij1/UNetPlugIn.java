package org.medvlm.fiji.ij1;

import ij.plugin.PlugIn;

/** ImageJ 1.x entry of "2D U-Net Baseline": {@code mode=Segment} or {@code mode=Train}, then the keys of that mode. */
public class UNetPlugIn implements PlugIn {
  @Override
  public void run(String arg) {
    Ij1Runs.runDialog("2D U-Net Baseline", d -> d.addChoice(DialogField.MODE.label(), new String[] {"Segment", "Train"}, "Segment"), gd -> {
      if (gd.getNextChoice().equals("Train")) new TrainPlugIn().run("unet");
      else new SegmentPlugIn().run("unet");
    });
  }
}
