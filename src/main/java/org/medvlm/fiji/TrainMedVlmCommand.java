package org.medvlm.fiji;

import ij.ImagePlus;
import java.io.File;
import org.medvlm.train.Trainer;
import org.medvlm.train.TrainingRun;
import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins > Med-VLM > Train Med-VLM: trains Med-VLM Small or Large on a BTCV- or MSD-layout
 * folder, with pretrained encoder folders when given; progress in the status bar and log;
 * cancel with Esc (the last finished epoch is kept: tick Resume to continue); the learning
 * curves are shown at the end.
 */
@Plugin(type = Command.class, menuPath = "Plugins>Med-VLM>Train Med-VLM", headless = true)
public class TrainMedVlmCommand extends ContextCommand {
  @Parameter private LogService log;
  @Parameter private StatusService status;

  @Parameter(persist = false, label = "Dataset folder (BTCV or MSD layout)", style = "directory")
  private File dataset;

  @Parameter(persist = false, label = "Label map (optional TSV: dataset ids to BTCV ids)", required = false, style = "open")
  private File labelmap;

  @Parameter(persist = false, label = "More dataset folders (optional; FOLDER or FOLDER=labelmap.tsv, separated by ;)", required = false)
  private String moredata = "";

  @Parameter(persist = false, label = "Variant", choices = {"Small", "Large"})
  private String variant = "Small";

  @Parameter(persist = false, label = "Image encoder weights folder (timm ViT; optional)", required = false, style = "directory")
  private File imageweights;

  @Parameter(persist = false, label = "Text encoder weights (BERT folder, builtin:all-MiniLM-L6-v2 or random; empty: built-in MiniLM for Small)",
      required = false)
  private String textweights = "";

  @Parameter(persist = false, label = "Epochs", min = "1")
  private int epochs = 10;

  @Parameter(persist = false, label = "Input size (px)", min = "32")
  private int size = 224;

  @Parameter(persist = false, label = "Output folder", style = "directory")
  private File output;

  @Parameter(persist = false, label = "Resume from the output folder's last checkpoint")
  private boolean resume;

  @Parameter(persist = false, label = "Device", choices = {"Auto", "CPU", "GPU"})
  private String device = "Auto";

  @Parameter(type = ItemIO.OUTPUT, required = false)
  private ImagePlus curves;

  @Override
  public void run() {
    FijiRuns.run(FijiRuns.cancelling(this, log, "Train Med-VLM"), () -> {
      TrainingRun.Options o = TrainAction.options(TrainAction.modelName(variant), FijiRuns.path(dataset), FijiRuns.path(labelmap), epochs, size,
          FijiRuns.path(output), resume, device);
      TrainAction.moreData(o, moredata);
      o.imageWeights = FijiRuns.path(imageweights);
      TrainAction.textWeights(o, textweights);
      Trainer.Result r = TrainAction.run(o, FijiHosts.of(log, status, this::isCanceled));
      log.info(TrainAction.summary("Train Med-VLM", r, o.out));
      curves = FijiRuns.openIfShown(TrainAction.curves(o.out));
    });
  }

}
