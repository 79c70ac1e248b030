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
 * Plugins > Med-VLM > 2D U-Net Baseline: trains the study's U-Net (mode Train) or segments with a
 * trained one (mode Segment), with the conventions of the Med-VLM commands.
 */
@Plugin(type = Command.class, menuPath = "Plugins>Med-VLM>2D U-Net Baseline", headless = true)
public class UNetBaselineCommand extends ContextCommand {
  @Parameter private LogService log;
  @Parameter private StatusService status;

  @Parameter(persist = false, label = "Mode", choices = {"Segment", "Train"})
  private String mode = "Segment";

  @Parameter(persist = false, label = "CT image (Segment; else the input file)", required = false)
  private ImagePlus image;

  @Parameter(persist = false, label = "Input (Segment: NIfTI file or DICOM folder)", required = false, style = "both")
  private File input;

  @Parameter(persist = false, label = "Organ (Segment)", choices = {"All organs", "spleen", "right kidney", "left kidney", "gallbladder", "esophagus", "liver", "stomach", "aorta",
      "inferior vena cava", "portal and splenic veins", "pancreas", "right adrenal gland", "left adrenal gland"})
  private String organ = SegmentAction.ALL;

  @Parameter(persist = false, label = "Model (Segment: checkpoint or training folder; empty: the installed default)", required = false, style = "both")
  private File model;

  @Parameter(persist = false, label = "Output (Segment: NIfTI file, optional; Train: folder)", required = false, style = "both")
  private File output;

  @Parameter(persist = false, label = "Voxel size x,y,z in mm (only for an image without calibration)", required = false)
  private String spacing = "";

  @Parameter(persist = false, label = "Organ volumes table (Segment)")
  private boolean volumes = true;

  @Parameter(persist = false, label = "Organ volumes CSV (optional)", required = false, style = "save")
  private File csv;

  @Parameter(persist = false, label = "Overlay on the CT (Segment)")
  private boolean overlay;

  @Parameter(persist = false, label = "Dataset folder (Train: BTCV or MSD layout)", required = false, style = "directory")
  private File dataset;

  @Parameter(persist = false, label = "Label map (Train, optional TSV)", required = false, style = "open")
  private File labelmap;

  @Parameter(persist = false, label = "More dataset folders (Train, optional; FOLDER or FOLDER=labelmap.tsv, separated by ;)", required = false)
  private String moredata = "";

  @Parameter(persist = false, label = "Epochs (Train)", min = "1")
  private int epochs = 50;

  @Parameter(persist = false, label = "Input size (px)", min = "16")
  private int size = 224;

  @Parameter(persist = false, label = "Resume (Train)")
  private boolean resume;

  @Parameter(persist = false, label = "Device", choices = {"Auto", "CPU", "GPU"})
  private String device = "Auto";

  @Parameter(type = ItemIO.OUTPUT, required = false)
  private ImagePlus labels;

  @Parameter(type = ItemIO.OUTPUT, required = false)
  private ImagePlus curves;

  @Override
  public void run() {
    FijiRuns.run(FijiRuns.cancelling(this, log, "2D U-Net Baseline"), () -> {
      if ("Train".equalsIgnoreCase(mode)) {
        TrainingRun.Options o = TrainAction.options("unet", FijiRuns.path(dataset), FijiRuns.path(labelmap), epochs, size, FijiRuns.path(output), resume, device);
        TrainAction.moreData(o, moredata);
        Trainer.Result r = TrainAction.run(o, FijiHosts.of(log, status, this::isCanceled));
        log.info(TrainAction.summary("2D U-Net Baseline", r, o.out));
        curves = FijiRuns.openIfShown(TrainAction.curves(o.out));
      } else {
        var r = SegmentAction.run(new SegmentAction.Request(FijiRuns.path(input) != null ? null : image, FijiRuns.path(input), organ, null,
            ModelLocator.resolve(FijiRuns.path(model), "unet"), device, FijiRuns.path(output), SegmentAction.parseSpacing(spacing), true,
            FijiRuns.path(csv)), log::info);
        labels = r.labels();
        FijiRuns.present(r, false, volumes, overlay);
      }
    });
  }
}
