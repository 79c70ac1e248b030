package org.medvlm.fiji;

import ij.ImagePlus;
import java.io.File;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.Img;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.medvlm.infer.CancelToken;
import org.scijava.app.StatusService;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins > Med-VLM > Med-VLM Segment: organs (or a free-text description) of a CT, as a label
 * image with organ names and colours, optional organ volumes table and overlay, optional NIfTI
 * output. The CT is the input file, else the ImagePlus {@code image}, else the ImgLib2 image
 * {@code img} (labels then come back as the ImgLib2 image {@code labelsImg} on its grid).
 * Headless: {@code --run "Med-VLM Segment" "input='ct.nii.gz',organ='liver',output='seg.nii.gz'"}.
 */
@Plugin(type = Command.class, menuPath = "Plugins>Med-VLM>Med-VLM Segment", headless = true)
public class MedVlmSegmentCommand extends ContextCommand {
  @Parameter private LogService log;

  @Parameter private StatusService status;

  @Parameter(persist = false, label = "CT image (else the input file)", required = false)
  private ImagePlus image;

  @Parameter(persist = false, label = "CT as an ImgLib2 image (used when no CT image is given)", required = false)
  private RandomAccessibleInterval<?> img;

  @Parameter(persist = false, label = "Input (NIfTI file or DICOM folder; used when no image is given)", required = false, style = "both")
  private File input;

  @Parameter(persist = false, label = "Organ", choices = {"All organs", "spleen", "right kidney", "left kidney", "gallbladder", "esophagus", "liver", "stomach", "aorta",
      "inferior vena cava", "portal and splenic veins", "pancreas", "right adrenal gland", "left adrenal gland", "Free-text prompt"})
  private String organ = SegmentAction.ALL;

  @Parameter(persist = false, label = "Prompt (for Free-text prompt)", required = false)
  private String prompt = "";

  @Parameter(persist = false, label = "Model (checkpoint or training folder; empty: the installed default)", required = false, style = "both")
  private File model;

  @Parameter(persist = false, label = "Device", choices = {"Auto", "CPU", "GPU"})
  private String device = "Auto";

  @Parameter(persist = false, label = "Output NIfTI (optional)", required = false, style = "save")
  private File output;

  @Parameter(persist = false, label = "Voxel size x,y,z in mm (only for an image without calibration)", required = false)
  private String spacing = "";

  @Parameter(persist = false, label = "Organ volumes table")
  private boolean volumes = true;

  @Parameter(persist = false, label = "Organ volumes CSV (optional)", required = false, style = "save")
  private File csv;

  @Parameter(persist = false, label = "Overlay on the CT")
  private boolean overlay;

  /** The labels, when the CT came as a file or an ImagePlus. */
  @Parameter(type = ItemIO.OUTPUT, required = false)
  private ImagePlus labels;

  /** The labels on the ImgLib2 image's grid, when the CT came as {@code img}. */
  @Parameter(type = ItemIO.OUTPUT, required = false, label = "Organ labels")
  private Img<UnsignedByteType> labelsImg;

  @Override
  public void run() {
    FijiRuns.run(FijiRuns.cancelling(this, log, "Med-VLM Segment"), () -> {
      boolean fromFile = FijiRuns.path(input) != null;
      boolean fromImg = !fromFile && image == null && img != null;
      double[] voxel = SegmentAction.parseSpacing(spacing);
      CancelToken cancel = new CancelToken();
      FijiProgress progress = new FijiProgress("Med-VLM Segment", status::showProgress, status::showStatus, log::info, cancel);
      ImagePlus ct = fromFile ? null : fromImg ? ImgLib2Images.toImagePlus(img, voxel) : image;
      var r = SegmentAction.run(new SegmentAction.Request(ct, FijiRuns.path(input), organ, prompt, ModelLocator.resolve(FijiRuns.path(model), "medvlm"),
          device, FijiRuns.path(output), voxel, true, FijiRuns.path(csv)), log::info, progress, cancel);
      if (fromImg) labelsImg = ImgLib2Images.labels(r.labels());
      else labels = r.labels();
      FijiRuns.present(r, false, volumes, overlay && !fromImg);
    });
  }
}
