package org.medvlm.fiji;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import java.lang.reflect.Method;
import net.imglib2.Cursor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.util.Util;
import net.imglib2.view.Views;
import org.medvlm.BadInputException;

/**
 * The ImgLib2 side of "Med-VLM Segment": a CT given as an ImgLib2 image (an {@code Img} or
 * {@code RandomAccessibleInterval} with axes x, y, z, such as the {@code Dataset} Fiji opens with
 * SCIFIO) becomes the same calibrated image the ImagePlus path segments, and the labels come back
 * as an ImgLib2 image on exactly its grid. ImgLib2 core carries no voxel size; an image that has
 * one ({@code ImgPlus} and {@code Dataset}, ImageJ2 classes this plugin does not compile against)
 * is read through their {@code averageScale} and {@code axis(d).unit()} methods.
 */
final class ImgLib2Images {
  private ImgLib2Images() {}

  /** The CT as an ImagePlus with the voxel size {@code spacing} (mm), else the image's own, else none. */
  static ImagePlus toImagePlus(RandomAccessibleInterval<?> img, double[] spacing) throws BadInputException {
    String name = "ImgLib2 image";
    int n = img.numDimensions();
    if (n != 2 && n != 3) throw new BadInputException(name, "has " + n + " dimensions; a CT volume has three (x, y, z)");
    Object type = Util.getTypeFromInterval(cast(img));
    if (!(type instanceof RealType<?>)) throw new BadInputException(name, "holds " + type.getClass().getSimpleName() + " values; a CT holds one grey value per voxel");
    long w = img.dimension(0), h = img.dimension(1), depth = n == 3 ? img.dimension(2) : 1;
    if (w * h > Integer.MAX_VALUE || depth > Integer.MAX_VALUE) throw new BadInputException(name, "is too large: " + w + " x " + h + " x " + depth);
    ImageStack stack = new ImageStack((int) w, (int) h);
    @SuppressWarnings("unchecked")
    Cursor<? extends RealType<?>> c = Views.flatIterable((RandomAccessibleInterval<? extends RealType<?>>) img).cursor();
    for (long z = 0; z < depth; z++) {
      float[] plane = new float[(int) (w * h)];
      for (int i = 0; i < plane.length; i++) plane[i] = c.next().getRealFloat();
      stack.addSlice(new FloatProcessor((int) w, (int) h, plane));
    }
    ImagePlus imp = new ImagePlus(name, stack);
    double[] mm = spacing != null ? spacing : voxelSizeMm(img);
    if (mm != null) {
      Calibration cal = imp.getCalibration();
      cal.setUnit("mm");
      cal.pixelWidth = mm[0];
      cal.pixelHeight = mm[1];
      cal.pixelDepth = mm.length > 2 ? mm[2] : 1;
    }
    return imp;
  }

  @SuppressWarnings("unchecked")
  private static <T> RandomAccessibleInterval<T> cast(RandomAccessibleInterval<?> img) {
    return (RandomAccessibleInterval<T>) img;
  }

  /** The labels of an 8-bit label image as an ImgLib2 image of the same size (x, y, z). */
  static Img<UnsignedByteType> labels(ImagePlus labels) {
    int w = labels.getWidth(), h = labels.getHeight(), depth = labels.getStackSize();
    byte[] data = new byte[w * h * depth];
    for (int z = 0; z < depth; z++) {
      ImageProcessor ip = labels.getStack().getProcessor(z + 1);
      for (int i = 0; i < w * h; i++) data[z * w * h + i] = (byte) ip.get(i);
    }
    return ArrayImgs.unsignedBytes(data, w, h, depth);
  }

  /** The voxel size in mm of an ImgPlus or Dataset (x, y, z), or null for a plain ImgLib2 image or an unknown unit. */
  static double[] voxelSizeMm(Object img) {
    try {
      Method scale = img.getClass().getMethod("averageScale", int.class);
      Method axis = img.getClass().getMethod("axis", int.class);
      int n = ((RandomAccessibleInterval<?>) img).numDimensions();
      double[] mm = new double[3];
      for (int d = 0; d < 3; d++) {
        if (d >= n) {
          mm[d] = 1;
          continue;
        }
        Object a = axis.invoke(img, d);
        double perUnit = ImagePlusVolumes.unitToMm((String) a.getClass().getMethod("unit").invoke(a));
        mm[d] = ((Number) scale.invoke(img, d)).doubleValue() * perUnit;
        if (!(mm[d] > 0)) return null;
      }
      return mm;
    } catch (ReflectiveOperationException | ClassCastException | SecurityException e) {
      return null; // not a calibrated space
    }
  }
}
