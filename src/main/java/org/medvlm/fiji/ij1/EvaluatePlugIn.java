package org.medvlm.fiji.ij1;

import ij.IJ;
import ij.gui.GenericDialog;
import ij.plugin.PlugIn;
import org.medvlm.fiji.EvaluateAction;

/**
 * "Med-VLM Evaluate": Dice, IoU, HD95, ASSD and surface Dice of a folder (or file) of predictions
 * against references, matched by case id, as one CSV row per case and organ (as
 * {@code medvlm evaluate --csv}); the means go to the Log window.
 * {@code run("Med-VLM Evaluate", "predictions=[pred] references=[labelsTr] output=[metrics.csv]");}
 */
public class EvaluatePlugIn implements PlugIn {
  @Override
  public void run(String arg) {
    Ij1Runs.run("Med-VLM Evaluate", () -> {
      GenericDialog gd = new GenericDialog("Med-VLM Evaluate");
      gd.addDirectoryField(DialogField.PREDICTIONS.label(), "");
      gd.addDirectoryField(DialogField.REFERENCES.label(), "");
      gd.addFileField(DialogField.EVALUATE_LABELMAP.label(), "");
      gd.addStringField(DialogField.LABELLED.label(), "");
      gd.addFileField(DialogField.METRICS_OUTPUT.label(), "");
      gd.showDialog();
      if (gd.wasCanceled()) {
        IJ.log("Med-VLM Evaluate: cancelled");
        return;
      }
      var pred = Ij1Runs.path(gd.getNextString());
      var truth = Ij1Runs.path(gd.getNextString());
      var map = Ij1Runs.path(gd.getNextString());
      String labelled = gd.getNextString();
      var out = Ij1Runs.path(gd.getNextString());
      EvaluateAction.run(pred, truth, map, labelled, out, IJ::log);
    });
  }
}
