package org.medvlm.fiji.ij1;

import ij.IJ;
import ij.gui.GenericDialog;
import ij.plugin.PlugIn;
import java.util.Locale;
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
    Ij1Runs.run(name, () -> {
      GenericDialog gd = new GenericDialog(name);
      gd.addDirectoryField("dataset", "");
      gd.addFileField("labelmap", "");
      if (!unet) {
        gd.addChoice("variant", TrainAction.VARIANTS, "Small");
        gd.addDirectoryField("imageweights", "");
        gd.addDirectoryField("textweights", "");
      }
      gd.addNumericField("epochs", unet ? 50 : 10, 0);
      gd.addNumericField("size", 224, 0);
      gd.addDirectoryField("output", "");
      gd.addCheckbox("resume", false);
      gd.addChoice("device", new String[] {"Auto", "CPU", "GPU"}, "Auto");
      gd.showDialog();
      if (gd.wasCanceled()) {
        IJ.log(name + ": cancelled");
        return;
      }
      TrainingRun.Options o = new TrainingRun.Options();
      o.data = Ij1Runs.path(gd.getNextString());
      o.labelMap = Ij1Runs.path(gd.getNextString());
      o.model = unet ? "unet" : TrainAction.modelName(gd.getNextChoice());
      if (!unet) {
        o.imageWeights = Ij1Runs.path(gd.getNextString());
        o.textWeights = Ij1Runs.path(gd.getNextString());
      }
      o.epochs = (int) gd.getNextNumber();
      o.size = (int) gd.getNextNumber();
      o.out = Ij1Runs.path(gd.getNextString());
      o.resume = gd.getNextBoolean();
      o.device = gd.getNextChoice().toLowerCase(Locale.ROOT);
      Trainer.Result r = TrainAction.run(o, org.medvlm.fiji.FijiHosts.imageJ1());
      IJ.log(String.format(Locale.ROOT, "%s: best epoch %d, mean validation Dice %.4f; model in %s", name, r.bestEpoch(), r.bestMeanDice(), o.out));
      if (Ij1Runs.hasScreen() && o.out.resolve("curves.png").toFile().isFile()) IJ.open(o.out.resolve("curves.png").toString());
    });
  }
}
