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
      gd.addDirectoryField("predictions", "");
      gd.addDirectoryField("references", "");
      gd.addFileField("labelmap", "");
      gd.addStringField("labelled", "");
      gd.addFileField("output", "");
      gd.addMessage("predictions, references: NIfTI files or folders matched by case id; labelmap: maps the references' ids to BTCV\n"
          + "(optional); labelled: the organs the references label, e.g. liver\n(optional; default: those the label map names, else all); output: the CSV to write.");
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
