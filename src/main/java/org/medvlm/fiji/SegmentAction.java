package org.medvlm.fiji;

import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.ImageRoi;
import ij.gui.Overlay;
import ij.measure.ResultsTable;
import ij.process.ImageProcessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import net.imglib2.type.numeric.integer.IntType;
import net.imglib2.type.numeric.real.FloatType;
import org.medvlm.BadInputException;
import org.medvlm.data.Organ;
import org.medvlm.infer.CtCheck;
import org.medvlm.device.Devices;
import org.medvlm.infer.CancelToken;
import org.medvlm.infer.SegmentJob;
import org.medvlm.infer.SegmentRequest;
import org.medvlm.infer.Segmenter;
import org.medvlm.infer.VolumesTable;
import org.medvlm.io.AtomicFiles;
import org.medvlm.io.RunOutputs;
import org.medvlm.io.NiftiDatatype;
import org.medvlm.io.NiftiWriter;
import org.medvlm.io.VolumeIO;
import org.medvlm.volume.Reorientation;
import org.medvlm.volume.Volume;

/**
 * What "Med-VLM Segment" and "2D U-Net Baseline" (segment) do, for the SciJava command and the
 * ImageJ 1.x plugin alike: read the CT (the current image or a file or DICOM folder), run the
 * model through {@link Segmenter}, and return a label image with organ names and colours, organ
 * volumes, and optionally an overlay; a NIfTI output is written atomically.
 */
public final class SegmentAction {
  public static final String ALL = "All organs";
  public static final String FREE_TEXT = "Free-text prompt";
  public static final String[] DEVICES = {"Auto", "CPU", "GPU"};

  /** The organ choices of the dialogs: all, each of the 13 by name, or a free-text prompt. */
  public static List<String> organChoices() {
    return organChoices(true);
  }

  /** All, each of the 13 organs by name, and (for Med-VLM, not the U-Net) a free-text prompt. */
  public static List<String> organChoices(boolean freeText) {
    List<String> c = new ArrayList<>();
    c.add(ALL);
    for (Organ o : Organ.values()) c.add(o.displayName());
    if (freeText) c.add(FREE_TEXT);
    return c;
  }

  /**
   * @param image the CT as an open image, or null to read {@code input}
   * @param input a NIfTI file or DICOM series folder (used when {@code image} is null)
   * @param organ {@link #ALL}, an organ name, or {@link #FREE_TEXT} (then {@code prompt})
   * @param spacing voxel size in mm for an image without calibration, or null
   * @param output a .nii/.nii.gz file to write the labels to, or null
   * @param volumesCsv a .csv file to write the organ volumes to, or null
   */
  public record Request(ImagePlus image, Path input, String organ, String prompt, Path model, String device, Path output, double[] spacing,
      boolean overwrite, Path volumesCsv) {}

  /** The label image (on the CT image's grid), organ volumes in mL, and the CT image used. */
  public record Result(ImagePlus labels, Map<Organ, Double> volumesMl, ImagePlus ct) {}

  private SegmentAction() {}

  /** {@link #run(Request, Consumer, org.medvlm.infer.JobListener, CancelToken)} with progress in the ImageJ 1.x status bar and Esc to cancel. */
  public static Result run(Request r, Consumer<String> log) throws IOException {
    CancelToken cancel = new CancelToken();
    return run(r, log, FijiProgress.imageJ1("Med-VLM", cancel), cancel);
  }

  /** Segments through the one segmentation job ({@link SegmentJob#segment}), progress to {@code progress}, stopped by {@code cancel}. */
  public static Result run(Request r, Consumer<String> log, org.medvlm.infer.JobListener progress, CancelToken cancel) throws IOException {
    if (r.model() == null) throw new BadInputException("{model}", "no model checkpoint given");
    if (!Files.exists(r.model())) throw new BadInputException(r.model(), "no such model file or training folder");
    boolean freeText = FREE_TEXT.equals(r.organ()) || (r.organ() == null && r.prompt() != null && !r.prompt().isBlank());
    List<Organ> organs = freeText || r.organ() == null || ALL.equals(r.organ()) ? null : List.of(Organ.parse(r.organ()));
    SegmentRequest job = new SegmentRequest(r.model(), r.input(), r.output(), organs, freeText ? (r.prompt() == null ? "" : r.prompt()) : null, false,
        r.device() == null ? "auto" : r.device().toLowerCase(Locale.ROOT), SegmentRequest.DEFAULT_BATCH, true, null, r.overwrite(), null, false);
    job.check();
    List<Path> reads = java.util.Arrays.asList(r.input(), r.model(), sourceFile(r.image()));
    if (r.output() != null) RunOutputs.check(r.output(), r.overwrite(), reads, ".nii.gz", ".nii");
    if (r.volumesCsv() != null) RunOutputs.check(r.volumesCsv(), r.overwrite(), reads, ".csv");
    ImagePlus ctImage;
    Volume<FloatType> ct;
    if (r.image() != null) {
      ctImage = r.image();
      ct = ImagePlusVolumes.toVolume(ctImage, r.spacing());
    } else {
      if (r.input() == null) throw new BadInputException("{input}", "no image is open and no input file or DICOM folder was given");
      if (!Files.exists(r.input())) throw new BadInputException(r.input(), "no such file or folder");
      ct = VolumeIO.readImage(r.input()); // labels are written on exactly this grid
      ctImage = ImagePlusVolumes.ctImage(ct, r.input().getFileName().toString());
    }
    CtCheck.requireHu(ct, ctImage.getTitle());
    try (Segmenter seg = Segmenter.open(r.model(), Devices.parse(job.device()))) {
      log.accept("Med-VLM: model " + seg.source() + " (" + seg.modelType() + ", " + seg.organs().size() + " organs)");
      SegmentJob.Labels l = SegmentJob.segment(seg, ct, job, progress, cancel);
      Volume<IntType> labels = l.labels();
      if (r.output() != null) {
        NiftiWriter.write(labels, r.output(), NiftiDatatype.UINT8, r.overwrite());
        log.accept("Med-VLM: wrote " + r.output());
      }
      if (r.volumesCsv() != null) VolumesTable.write(r.volumesCsv(), Map.of(baseTitle(ctImage.getTitle()), l.volumesMl()), r.overwrite());
      Volume<IntType> shown = r.image() != null ? labels : Reorientation.to(ImagePlusVolumes.DISPLAY, labels.geometry(), labels.dims()).apply(labels);
      ImagePlus out = ImagePlusVolumes.labelImage(shown, baseTitle(ctImage.getTitle()) + (freeText ? "-prompt" : "-labels"));
      out.setLut(OrganColours.lut());
      out.setDisplayRange(0, 255);
      nameLabels(out, freeText ? List.of() : l.volumesMl().keySet().stream().toList(), freeText ? r.prompt() : null);
      return new Result(out, l.volumesMl(), ctImage);
    }
  }

  private static String baseTitle(String t) {
    return t.replaceAll("(\\.nii\\.gz|\\.nii|\\.dcm)$", "");
  }

  /** Organ names in the image's Info and in each slice label that shows them. */
  private static void nameLabels(ImagePlus labels, List<Organ> organs, String prompt) {
    StringBuilder info = new StringBuilder(String.valueOf(labels.getProperty("Info")));
    if (prompt != null) info.append("1 = ").append(prompt).append('\n');
    for (Organ o : organs) info.append(o.id()).append(" = ").append(o.displayName()).append('\n');
    labels.setProperty("Info", info.toString());
    ImageStack st = labels.getStack();
    for (int z = 1; z <= st.getSize(); z++) {
      boolean[] seen = new boolean[256];
      ImageProcessor ip = st.getProcessor(z);
      for (int i = 0; i < ip.getPixelCount(); i++) {
        int v = ip.get(i);
        if (v > 0 && v < 256) seen[v] = true;
      }
      List<String> names = new ArrayList<>();
      for (Organ o : organs) if (seen[o.id()]) names.add(o.displayName());
      if (prompt != null && seen[1]) names.add(prompt);
      st.setSliceLabel(names.isEmpty() ? null : String.join(", ", names), z);
    }
  }

  /** "x,y,z" in mm, or null when empty. */
  public static double[] parseSpacing(String text) throws BadInputException {
    if (text == null || text.isBlank()) return null;
    try {
      double[] s = java.util.Arrays.stream(text.trim().split("[,\\s]+")).mapToDouble(Double::parseDouble).toArray();
      if (s.length != 3 || java.util.Arrays.stream(s).anyMatch(v -> !(v > 0))) throw new NumberFormatException();
      return s;
    } catch (NumberFormatException e) {
      throw new BadInputException("spacing", "'" + text + "' is not three positive numbers x,y,z in mm");
    }
  }

  /** A table of organ volumes in mL, one row per organ, titled for the image. */
  public static ResultsTable volumesTable(Map<Organ, Double> ml, String image) {
    ResultsTable t = new ResultsTable();
    for (var e : ml.entrySet()) {
      t.incrementCounter();
      t.addValue("Image", image);
      t.addValue("Organ id", e.getKey().id());
      t.addValue("Organ", e.getKey().displayName());
      t.addValue("Volume (mL)", e.getValue());
    }
    return t;
  }

  /** The labels drawn over the CT: one semi-transparent coloured image per slice. */
  public static Overlay overlay(ImagePlus labels) {
    Overlay ov = new Overlay();
    ImageStack st = labels.getStack();
    for (int z = 1; z <= st.getSize(); z++) {
      ImageProcessor ip = st.getProcessor(z).duplicate().convertToByte(false);
      ip.setLut(OrganColours.lut());
      ImageRoi roi = new ImageRoi(0, 0, ip.convertToRGB());
      roi.setZeroTransparent(true);
      roi.setOpacity(0.45);
      roi.setPosition(z);
      ov.add(roi);
    }
    return ov;
  }

  /** The file an open image was read from, or null. */
  private static Path sourceFile(ImagePlus image) {
    ij.io.FileInfo fi = image == null ? null : image.getOriginalFileInfo();
    if (fi == null || fi.fileName == null || fi.directory == null || fi.directory.isBlank()) return null;
    return Path.of(fi.directory, fi.fileName);
  }


}
