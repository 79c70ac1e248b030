package org.medvlm.fiji;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;
import java.util.Arrays;
import java.util.Locale;
import net.imglib2.type.numeric.integer.IntType;
import net.imglib2.type.numeric.real.FloatType;
import org.medvlm.BadInputException;
import org.medvlm.volume.Geometry;
import org.medvlm.volume.Reorientation;
import org.medvlm.volume.Volume;

/**
 * Between ImageJ 1.x images and our volumes. An image we create carries its exact
 * index-to-world affine in the property {@value #AFFINE}, so segmenting it and saving the labels
 * keep the geometry bit for bit; for any other image the voxel size comes from its calibration
 * (never assumed to be 1 mm) and the axes are taken as ImageJ shows a DICOM axial stack: x to the
 * patient's left, y to posterior, slices from inferior to superior (LPS).
 */
public final class ImagePlusVolumes {
  /** Image property holding the 4 x 4 affine (16 numbers, row-major) of the image's index grid. */
  public static final String AFFINE = "medvlm.affine";
  /** The orientation images are shown in: radiological axial (patient's right on the left, anterior up). */
  public static final String DISPLAY = "LPS";

  private ImagePlusVolumes() {}

  /**
   * The CT volume of an image, in HU (16-bit images through their calibration function).
   *
   * @param spacing voxel size in mm (x, y, z) when the image has none, or null
   */
  public static Volume<FloatType> toVolume(ImagePlus imp, double[] spacing) throws BadInputException {
    String name = "image '" + imp.getTitle() + "'";
    if (imp.getBitDepth() == 24) throw new BadInputException(name, "is an RGB image; a CT volume has one grey value per voxel (HU)");
    if (imp.getNChannels() > 1 || imp.getNFrames() > 1) {
      throw new BadInputException(name, "has " + imp.getNChannels() + " channels and " + imp.getNFrames() + " time points; a CT volume has one of each");
    }
    if (imp.getNSlices() < 2) throw new BadInputException(name, "is a single 2D slice; Med-VLM segments CT volumes (a stack of axial slices)");
    int[] dims = {imp.getWidth(), imp.getHeight(), imp.getNSlices()};
    float[] data = new float[dims[0] * dims[1] * dims[2]];
    Calibration cal = imp.getCalibration();
    ImageStack stack = imp.getStack();
    int plane = dims[0] * dims[1];
    for (int z = 0; z < dims[2]; z++) {
      ImageProcessor ip = stack.getProcessor(z + 1);
      for (int i = 0; i < plane; i++) {
        float raw = ip.getf(i);
        data[z * plane + i] = imp.getBitDepth() == 32 ? raw : (float) cal.getCValue(raw);
      }
    }
    return Volume.ofFloats(data, dims, geometry(imp, spacing));
  }

  /** The grid of an image: its stored affine, else its calibration with LPS axes. */
  public static Geometry geometry(ImagePlus imp, double[] spacing) throws BadInputException {
    Object stored = imp.getProperty(AFFINE);
    if (stored instanceof String s) {
      double[] v = Arrays.stream(s.trim().split("\\s+")).mapToDouble(Double::parseDouble).toArray();
      if (v.length == 16) return Geometry.fromAffine(new double[][] {Arrays.copyOfRange(v, 0, 4), Arrays.copyOfRange(v, 4, 8), Arrays.copyOfRange(v, 8, 12)});
    }
    Calibration cal = imp.getCalibration();
    double scale = unitToMm(cal.getUnit());
    double[] mm;
    if (!Double.isNaN(scale)) {
      mm = new double[] {cal.pixelWidth * scale, cal.pixelHeight * scale, cal.pixelDepth * scale};
    } else if (spacing != null) {
      mm = spacing.clone();
    } else {
      throw new BadInputException("image '" + imp.getTitle() + "'", "has no voxel size (unit '" + cal.getUnit()
          + "'); set it with Image > Properties... (mm) or give the spacing");
    }
    for (double d : mm) if (!(d > 0)) throw new BadInputException("image '" + imp.getTitle() + "'", "has a voxel size of " + Arrays.toString(mm) + " mm");
    // index axes along L, P, S; the first voxel at minus the calibration's origin (in pixels); in RAS terms
    double[] firstVoxelLps = {-cal.xOrigin * mm[0], -cal.yOrigin * mm[1], -cal.zOrigin * mm[2]};
    double[][] lpsAxesInRas = {{-1, 0, 0}, {0, -1, 0}, {0, 0, 1}};
    return Geometry.of(mm, new double[] {-firstVoxelLps[0], -firstVoxelLps[1], firstVoxelLps[2]}, lpsAxesInRas);
  }

  /** mm per unit of a calibration unit, NaN for an unknown or pixel unit. */
  static double unitToMm(String unit) {
    return switch (unit == null ? "" : unit.trim().toLowerCase(Locale.ROOT)) {
      case "mm", "millimeter", "millimeters", "millimetre", "millimetres" -> 1;
      case "cm", "centimeter", "centimeters" -> 10;
      case "µm", "um", "micron", "microns", "micrometer", "micrometers" -> 1e-3;
      case "m", "meter", "metre" -> 1000;
      default -> Double.NaN;
    };
  }

  /** A CT volume as an image, reoriented for display (LPS), with its affine and calibration. */
  public static ImagePlus ctImage(Volume<FloatType> ct, String title) {
    Reorientation r = Reorientation.to(DISPLAY, ct.geometry(), ct.dims());
    Volume<FloatType> shown = r.apply(ct);
    int[] d = shown.dims();
    float[] v = Volume.floats(shown);
    ImageStack stack = new ImageStack(d[0], d[1]);
    int plane = d[0] * d[1];
    for (int z = 0; z < d[2]; z++) stack.addSlice(new FloatProcessor(d[0], d[1], Arrays.copyOfRange(v, z * plane, (z + 1) * plane)));
    ImagePlus imp = new ImagePlus(title, stack);
    describe(imp, shown.geometry());
    imp.setDisplayRange(-175, 250); // the abdominal window the models use
    return imp;
  }

  /** A label volume (values 0-255 as 8-bit, else 16-bit) as an image on exactly its own grid. */
  public static ImagePlus labelImage(Volume<IntType> labels, String title) {
    int[] d = labels.dims();
    int[] v = Volume.ints(labels);
    int max = Arrays.stream(v).max().orElse(0);
    ImageStack stack = new ImageStack(d[0], d[1]);
    int plane = d[0] * d[1];
    for (int z = 0; z < d[2]; z++) {
      ImageProcessor ip = max < 256 ? new ByteProcessor(d[0], d[1]) : new ShortProcessor(d[0], d[1]);
      for (int i = 0; i < plane; i++) ip.set(i, v[z * plane + i]);
      stack.addSlice(ip);
    }
    ImagePlus imp = new ImagePlus(title, stack);
    describe(imp, labels.geometry());
    return imp;
  }

  /** The integer labels of an image on its grid. */
  public static Volume<IntType> toLabels(ImagePlus imp) throws BadInputException {
    if (imp.getBitDepth() == 24 || imp.getBitDepth() == 32) throw new BadInputException("image '" + imp.getTitle() + "'", "is not a label image (8 or 16 bit)");
    int[] dims = {imp.getWidth(), imp.getHeight(), imp.getStackSize()};
    int[] data = new int[dims[0] * dims[1] * dims[2]];
    int plane = dims[0] * dims[1];
    for (int z = 0; z < dims[2]; z++) {
      ImageProcessor ip = imp.getStack().getProcessor(z + 1);
      for (int i = 0; i < plane; i++) data[z * plane + i] = ip.get(i);
    }
    return Volume.ofLabels(data, dims, geometry(imp, null));
  }

  private static void describe(ImagePlus imp, Geometry g) {
    Calibration cal = imp.getCalibration();
    double[] s = g.spacing();
    cal.setUnit("mm");
    cal.pixelWidth = s[0];
    cal.pixelHeight = s[1];
    cal.pixelDepth = s[2];
    double[][] a = g.affine();
    StringBuilder b = new StringBuilder();
    for (double[] row : a) for (double x : row) b.append(x).append(' ');
    imp.setProperty(AFFINE, b.toString().trim());
    imp.setProperty("Info", "Med-VLM grid: orientation " + g.orientationCode() + ", spacing " + Arrays.toString(s) + " mm\n" + AFFINE + " = " + b.toString().trim() + "\n");
  }
}
