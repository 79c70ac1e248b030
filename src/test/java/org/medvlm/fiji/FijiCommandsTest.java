package org.medvlm.fiji;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.process.ColorProcessor;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medvlm.data.PhantomGenerator;
import org.medvlm.io.NiftiReader;
import org.medvlm.train.TrainingListener;
import org.medvlm.train.TrainingRun;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.io.IOService;
import org.scijava.menu.MenuService;
import org.scijava.menu.ShadowMenu;

/**
 * The Fiji commands in a headless SciJava context: the menu holds them under Plugins > Med-VLM,
 * they run with file parameters on phantoms and write the expected files, and bad input ends in
 * a one-line message (the module is cancelled with it) rather than an exception.
 */
class FijiCommandsTest {
  @TempDir static Path tmp;
  static Context context;
  static CommandService commands;
  static Path data;
  static Path model;
  static Path ct;

  @BeforeAll
  static void setUp() throws Exception {
    System.setProperty("java.awt.headless", "true");
    context = new Context();
    commands = context.service(CommandService.class);
    data = tmp.resolve("data");
    PhantomGenerator.writeDataset(data, 3, 5, 64, false, s -> {});
    ct = Files.list(data.resolve("img")).sorted().findFirst().orElseThrow();
    // a tiny Med-VLM that knows two organs, trained through the shared core the commands use
    TrainingRun.Options o = new TrainingRun.Options();
    o.model = "medvlm-tiny";
    o.data = data;
    o.valCases = 1;
    o.out = tmp.resolve("vlm");
    o.epochs = 1;
    o.size = 32;
    o.spacing = 6;
    o.organs = "spleen,liver";
    o.batch = 4;
    o.device = "cpu";
    TrainingRun.run(o, TrainingListener.SILENT, new PrintWriter(new StringWriter()));
    model = o.out;
  }

  @AfterAll
  static void tearDown() {
    context.dispose();
  }

  private static CommandModule run(Class<? extends org.scijava.command.Command> c, Object... keyValues) throws Exception {
    Map<String, Object> in = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) in.put((String) keyValues[i], keyValues[i + 1]);
    return commands.run(c, true, in).get();
  }

  @Test
  void menuHoldsTheCommandsUnderPluginsMedVlm() {
    ShadowMenu menu = context.service(MenuService.class).getMenu().getMenu("Plugins>Med-VLM");
    assertNotNull(menu, "Plugins > Med-VLM");
    List<String> names = menu.getChildren().stream().map(ShadowMenu::getName).sorted().toList();
    assertEquals(List.of("2D U-Net Baseline", "Med-VLM Evaluate", "Med-VLM Segment", "Train Med-VLM"), names);
    // SciJava takes choices from the annotation, which must be a constant: these tests tie them to Organ
    assertEquals(SegmentAction.organChoices(), commands.getCommand(MedVlmSegmentCommand.class).getInput("organ").getChoices(),
        "the dialog's organ choices are the 13 organs (as Organ names them), all, free text");
    assertEquals(SegmentAction.organChoices(false), commands.getCommand(UNetBaselineCommand.class).getInput("organ").getChoices(), "the U-Net's: no free text");
    // paths are File parameters, so Fiji's dialogs show file choosers of the right kind
    var segment = commands.getCommand(MedVlmSegmentCommand.class);
    for (String[] p : new String[][] {{"input", "both"}, {"model", "both"}, {"output", "save"}, {"csv", "save"}}) {
      assertEquals(java.io.File.class, segment.getInput(p[0]).getType(), p[0]);
      assertEquals(p[1], segment.getInput(p[0]).getWidgetStyle(), p[0]);
    }
    assertEquals("directory", commands.getCommand(TrainMedVlmCommand.class).getInput("imageweights").getWidgetStyle());
    assertEquals("open", commands.getCommand(MedVlmEvaluateCommand.class).getInput("labelmap").getWidgetStyle());
  }

  @Test
  void segmentWithFileParametersWritesLabelsOnTheInputGrid() throws Exception {
    Path out = tmp.resolve("seg.nii.gz");
    Path csv = tmp.resolve("volumes.csv");
    CommandModule m = run(MedVlmSegmentCommand.class, "input", ct.toString(), "organ", "liver", "model", model.toString(), "output", out.toString(),
        "csv", csv.toString(), "device", "CPU", "volumes", true, "overlay", true);
    assertFalse(m.isCanceled(), m.getCancelReason());
    var labels = NiftiReader.readLabels(out);
    var image = NiftiReader.readImage(ct);
    assertArrayEquals(image.dims(), labels.dims());
    assertEquals(image.geometry(), labels.geometry());
    String table = Files.readString(csv);
    assertTrue(table.startsWith("case,organ_id,organ,volume_ml\n") && table.contains(",6,liver,"), table);
    ImagePlus shown = (ImagePlus) m.getOutput("labels");
    assertEquals(image.voxelCount(), shown.getWidth() * shown.getHeight() * shown.getStackSize());
    assertTrue(String.valueOf(shown.getProperty("Info")).contains("6 = liver"));
  }

  /** Progress goes through SciJava's StatusService: one status event per batch of slices, the last one at the volume's depth. */
  @Test
  void segmentReportsProgressThroughTheStatusService() throws Exception {
    List<int[]> seen = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    Object subscriber = new Object() {
      @org.scijava.event.EventHandler
      public void onStatus(org.scijava.app.event.StatusEvent e) {
        if (e.getProgressMaximum() > 0) seen.add(new int[] {e.getProgressValue(), e.getProgressMaximum()});
      }
    };
    var subscriptions = context.service(org.scijava.event.EventService.class).subscribe(subscriber);
    CommandModule m = run(MedVlmSegmentCommand.class, "input", ct.toString(), "organ", "liver", "model", model.toString(), "device", "CPU");
    assertFalse(m.isCanceled(), m.getCancelReason());
    int depth = NiftiReader.readImage(ct).dims()[2];
    for (int i = 0; i < 50 && seen.stream().noneMatch(p -> p[0] == p[1]); i++) Thread.sleep(100); // events may be delivered later
    context.service(org.scijava.event.EventService.class).unsubscribe(subscriptions);
    assertTrue(seen.size() >= 2, "a status event per batch of slices: " + seen.size());
    assertTrue(seen.stream().anyMatch(p -> p[0] == p[1]), "the last batch reports the whole volume");
    assertTrue(seen.stream().allMatch(p -> p[0] > 0 && p[0] <= p[1] && p[1] <= depth), "progress in slices of the volume");
  }

  @Test
  void withTheModelLeftEmptySegmentUsesTheStarterModel() throws Exception {
    Path dicom = org.medvlm.TestData.realCt().resolve("dicom_case");
    Path out = tmp.resolve("starter_seg.nii.gz");
    CommandModule m = run(MedVlmSegmentCommand.class, "input", dicom.toString(), "organ", "liver", "model", "", "output", out.toString(),
        "device", "CPU", "volumes", false, "overlay", false);
    assertFalse(m.isCanceled(), m.getCancelReason());
    var labels = NiftiReader.readLabels(out);
    assertTrue(labels.sameGrid(org.medvlm.io.VolumeIO.readImage(dicom), 1e-3), "on the series' own grid");
    assertTrue(java.util.Arrays.stream(org.medvlm.volume.Volume.ints(labels)).filter(v -> v == 6).count() > 100_000, "the liver of patient B");
  }

  @Test
  void segmentTheCurrentImageKeepsItsGrid() throws Exception {
    ImagePlus image = ImagePlusVolumes.ctImage(NiftiReader.readImage(ct), "ct");
    CommandModule m = run(MedVlmSegmentCommand.class, "image", image, "organ", "All organs", "model", model.toString(), "device", "CPU", "volumes", false,
        "overlay", true);
    assertFalse(m.isCanceled(), m.getCancelReason());
    ImagePlus labels = (ImagePlus) m.getOutput("labels");
    assertArrayEquals(new int[] {image.getWidth(), image.getHeight(), image.getStackSize()}, new int[] {labels.getWidth(), labels.getHeight(), labels.getStackSize()});
    assertEquals(image.getProperty(ImagePlusVolumes.AFFINE), labels.getProperty(ImagePlusVolumes.AFFINE));
    assertEquals(image.getStackSize(), image.getOverlay().size(), "one overlay image per slice");
  }

  @Test
  void segmentAnImgLib2ImageReturnsImgLib2LabelsOnItsGrid() throws Exception {
    // patient B as ImageJ shows it, and the same voxels as a plain ImgLib2 image with the voxel size given; the starter model
    ImagePlus shown = ImagePlusVolumes.ctImage(org.medvlm.io.VolumeIO.readImage(org.medvlm.TestData.realCt().resolve("dicom_case")), "B");
    int w = shown.getWidth(), h = shown.getHeight(), d = shown.getStackSize();
    var img = net.imglib2.img.array.ArrayImgs.floats(w, h, d);
    var cursor = img.cursor();
    for (int z = 1; z <= d; z++) for (int i = 0; i < w * h; i++) cursor.next().set(shown.getStack().getProcessor(z).getf(i));
    var cal = shown.getCalibration();
    String spacing = cal.pixelWidth + "," + cal.pixelHeight + "," + cal.pixelDepth;
    CommandModule m = run(MedVlmSegmentCommand.class, "img", img, "spacing", spacing, "organ", "All organs", "model", "", "device", "CPU",
        "volumes", false, "overlay", false);
    assertFalse(m.isCanceled(), m.getCancelReason());
    assertEquals(null, m.getOutput("labels"), "one output: the ImgLib2 labels");
    @SuppressWarnings("unchecked")
    var labels = (net.imglib2.img.Img<net.imglib2.type.numeric.integer.UnsignedByteType>) m.getOutput("labelsImg");
    assertArrayEquals(new long[] {w, h, d}, labels.dimensionsAsLongArray());
    // the same labels as segmenting the ImagePlus
    ImagePlus viaImagePlus = (ImagePlus) run(MedVlmSegmentCommand.class, "image", shown, "organ", "All organs", "model", "", "device", "CPU",
        "volumes", false, "overlay", false).getOutput("labels");
    var c = labels.cursor();
    long liver = 0;
    for (int z = 1; z <= d; z++) {
      for (int i = 0; i < w * h; i++) {
        int v = c.next().get();
        assertEquals(viaImagePlus.getStack().getProcessor(z).get(i), v, "voxel " + i + " of slice " + z);
        if (v == 6) liver++;
      }
    }
    assertTrue(liver > 100_000, "the liver of patient B: " + liver);
    // without a voxel size, and with a 4D image: one line each
    assertCancelled(run(MedVlmSegmentCommand.class, "img", img, "model", model.toString(), "device", "CPU", "volumes", false), "has no voxel size");
    assertCancelled(run(MedVlmSegmentCommand.class, "img", net.imglib2.img.array.ArrayImgs.floats(4, 4, 4, 2), "spacing", "1,1,1", "model", model.toString(),
        "device", "CPU", "volumes", false), "ImgLib2 image: has 4 dimensions");
  }

  @Test
  void badInputEndsInOneLineMessages() throws Exception {
    ImagePlus flat = new ImagePlus("flat", new ij.process.FloatProcessor(32, 32));
    assertCancelled(run(MedVlmSegmentCommand.class, "image", flat, "model", model.toString()), "is a single 2D slice");
    ImagePlus rgb = new ImagePlus("rgb", new ColorProcessor(32, 32));
    assertCancelled(run(MedVlmSegmentCommand.class, "image", rgb, "model", model.toString()), "is an RGB image");
    assertCancelled(run(MedVlmSegmentCommand.class, "input", ct.toString(), "model", tmp.resolve("missing.ckpt").toString()), "missing.ckpt: no such model file");
    assertCancelled(run(MedVlmSegmentCommand.class, "input", ct.toString(), "organ", "pancreas", "model", model.toString(), "device", "CPU"),
        "the model was not trained on the pancreas (it knows: spleen, liver)");
    ImagePlus uncalibrated = ImagePlusVolumes.ctImage(NiftiReader.readImage(ct), "raw");
    uncalibrated.setProperty(ImagePlusVolumes.AFFINE, null);
    uncalibrated.getCalibration().setUnit("pixel");
    assertCancelled(run(MedVlmSegmentCommand.class, "image", uncalibrated, "model", model.toString()), "has no voxel size");
    CommandModule withSpacing = run(MedVlmSegmentCommand.class, "image", uncalibrated, "model", model.toString(), "spacing", "3,3,3", "device", "CPU");
    assertFalse(withSpacing.isCanceled(), withSpacing.getCancelReason());
    assertCancelled(run(MedVlmSegmentCommand.class, "input", ct.toString(), "organ", "Free-text prompt", "prompt", " ", "model", model.toString()), "the prompt is empty");
  }

  private static void assertCancelled(CommandModule m, String message) {
    assertTrue(m.isCanceled(), "expected a failure with: " + message);
    assertTrue(m.getCancelReason().contains(message), m.getCancelReason());
    assertFalse(m.getCancelReason().contains("\n"), "one line");
  }

  @Test
  void trainCommandsAndEvaluateWriteTheirFiles() throws Exception {
    Path vlm = tmp.resolve("train-vlm");
    CommandModule t = run(TrainMedVlmCommand.class, "dataset", data.toFile(), "variant", "tiny", "epochs", 1, "size", 32, "output", vlm.toFile(), "device", "CPU");
    assertFalse(t.isCanceled(), t.getCancelReason());
    assertTrue(Files.exists(vlm.resolve("best.ckpt")) && Files.exists(vlm.resolve("curves.png")) && Files.exists(vlm.resolve("model.json")));
    Path unet = tmp.resolve("train-unet");
    CommandModule u = run(UNetBaselineCommand.class, "mode", "Train", "dataset", data.toString(), "epochs", 1, "size", 32, "output", unet.toString(), "device", "CPU");
    assertFalse(u.isCanceled(), u.getCancelReason());
    Path seg = tmp.resolve("unet-seg.nii.gz");
    CommandModule s = run(UNetBaselineCommand.class, "mode", "Segment", "input", ct.toString(), "model", unet.toString(), "output", seg.toString(), "device", "CPU");
    assertFalse(s.isCanceled(), s.getCancelReason());
    assertTrue(Files.exists(seg));
    Path metrics = tmp.resolve("metrics.csv");
    Path reference = reference();
    CommandModule e = run(MedVlmEvaluateCommand.class, "predictions", seg.toFile(), "references", reference.toFile(), "output", metrics.toFile());
    assertFalse(e.isCanceled(), e.getCancelReason());
    assertTrue(Files.readString(metrics).lines().count() > 1);
  }

  private static Path reference() throws Exception {
    return Files.list(data.resolve("label")).sorted().findFirst().orElseThrow();
  }

  @Test
  void ioServiceOpensNiftiWithCalibrationAndSavesLabels() throws Exception {
    IOService io = context.service(IOService.class);
    Object opened = io.open(ct.toString());
    ImagePlus imp = (ImagePlus) opened;
    var vol = NiftiReader.readImage(ct);
    assertEquals("mm", imp.getCalibration().getUnit());
    assertEquals(vol.geometry().spacing()[2], imp.getCalibration().pixelDepth, 1e-9);
    ImagePlus labels = ImagePlusVolumes.labelImage(NiftiReader.readLabels(reference()), "labels");
    Path out = tmp.resolve("saved-labels.nii.gz");
    io.save(labels, out.toString());
    assertEquals(NiftiReader.readLabels(reference()).geometry(), NiftiReader.readLabels(out).geometry());
  }
}
