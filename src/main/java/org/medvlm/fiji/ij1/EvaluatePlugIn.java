package org.medvlm.fiji.ij1;

import ij.IJ;
import ij.gui.GenericDialog;
import ij.plugin.PlugIn;
import org.medvlm.fiji.EvaluateAction;
import org.medvlm.fiji.FijiRuns;

/**
 * "Med-VLM Evaluate": Dice, IoU, HD95, ASSD and surface Dice of a folder (or file) of predictions
 * against references, matched by case id, as one CSV row per case and organ (as
 * {@code medvlm evaluate --csv}); the means go to the Log window.
 * {@code run("Med-VLM Evaluate", "predictions=[pred] references=[labelsTr] output=[metrics.csv]");}
 */
public class EvaluatePlugIn implements PlugIn {
  @Override
  public void run(String arg) {
    Ij1Runs.runDialog("Med-VLM Evaluate", EvaluatePlugIn::fields, EvaluatePlugIn::evaluate);
  }

  private static void fields(GenericDialog d) {
    d.addDirectoryField(DialogField.PREDICTIONS.label(), "");
    d.addDirectoryField(DialogField.REFERENCES.label(), "");
    d.addFileField(DialogField.EVALUATE_LABELMAP.label(), "");
    d.addStringField(DialogField.LABELLED.label(), "");
    d.addFileField(DialogField.METRICS_OUTPUT.label(), "");
  }

  private static void evaluate(GenericDialog gd) throws Exception {
    var pred = FijiRuns.path(gd.getNextString());
    var truth = FijiRuns.path(gd.getNextString());
    var map = FijiRuns.path(gd.getNextString());
    String labelled = gd.getNextString();
    var out = FijiRuns.path(gd.getNextString());
    EvaluateAction.run(pred, truth, map, labelled, out, IJ::log);
  }
}
