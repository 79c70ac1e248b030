package org.medvlm.fiji.ij1;

import ij.IJ;
import ij.gui.GenericDialog;
import ij.plugin.PlugIn;
import org.medvlm.fiji.FijiRuns;
import org.medvlm.fiji.SegmentAction;
import org.medvlm.fiji.TrainAction;
import org.medvlm.train.Trainer;
import org.medvlm.train.TrainingRun;

/**
 * ImageJ 1.x entry of "Train Med-VLM" (and of "2D U-Net Baseline" training, argument
 * {@code unet}), with the SciJava command's keys:
 * {@code run("Train Med-VLM", "dataset=[BTCV] variant=Small epochs=10 output=[runs/small]");}
 * Esc cancels after the current step; the last finished epoch is kept (tick resume to continue).
 */
public class TrainPlugIn implements PlugIn {
  @Override
  public void run(String arg) {
    boolean unet = "unet".equals(arg);
    String name = unet ? "2D U-Net Baseline (train)" : "Train Med-VLM";
    Ij1Runs.runDialog(name, d -> fields(d, unet), gd -> train(gd, unet, name));
  }

  private static void fields(GenericDialog d, boolean unet) {
    d.addDirectoryField(DialogField.DATASET.label(), "");
    d.addFileField(DialogField.LABELMAP.label(), "");
    d.addStringField(DialogField.MOREDATA.label(), "", 40);
    if (!unet) {
      d.addChoice(DialogField.VARIANT.label(), TrainAction.VARIANTS, "Small");
      d.addDirectoryField(DialogField.IMAGEWEIGHTS.label(), "");
      d.addDirectoryField(DialogField.TEXTWEIGHTS.label(), "");
    }
    d.addNumericField(DialogField.EPOCHS.label(), unet ? 50 : 10, 0);
    d.addNumericField(DialogField.SIZE.label(), 224, 0);
    d.addDirectoryField(DialogField.TRAIN_OUTPUT.label(), "");
    d.addCheckbox(DialogField.RESUME.label(), false);
    d.addChoice(DialogField.DEVICE.label(), SegmentAction.DEVICES, "Auto");
  }

  private static void train(GenericDialog gd, boolean unet, String name) throws Exception {
    var data = FijiRuns.path(gd.getNextString());
    var labelMap = FijiRuns.path(gd.getNextString());
    String moreData = gd.getNextString();
    String model = unet ? "unet" : TrainAction.modelName(gd.getNextChoice());
    var imageWeights = unet ? null : FijiRuns.path(gd.getNextString());
    String textWeights = unet ? null : gd.getNextString();
    int epochs = (int) gd.getNextNumber();
    int size = (int) gd.getNextNumber();
    var out = FijiRuns.path(gd.getNextString());
    boolean resume = gd.getNextBoolean();
    TrainingRun.Options o = TrainAction.options(model, data, labelMap, epochs, size, out, resume, gd.getNextChoice());
    TrainAction.moreData(o, moreData);
    o.imageWeights = imageWeights;
    TrainAction.textWeights(o, textWeights);
    Trainer.Result r = TrainAction.run(o, org.medvlm.fiji.FijiHosts.imageJ1());
    IJ.log(TrainAction.summary(name, r, o.out));
    if (FijiRuns.hasScreen() && o.out.resolve("curves.png").toFile().isFile()) IJ.open(o.out.resolve("curves.png").toString());
  }
}
