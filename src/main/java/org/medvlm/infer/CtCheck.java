package org.medvlm.infer;

import java.util.Locale;
import net.imglib2.type.numeric.real.FloatType;
import org.medvlm.BadInputException;
import org.medvlm.volume.Volume;

/**
 * Refuses inputs that cannot be CT in Hounsfield units: NaN or infinite voxels (the body crop
 * would treat them as air and lose the organs around them), a constant volume, or no air at all.
 */
public final class CtCheck {
  private CtCheck() {}

  /** Refuses NaN or infinite voxels, with their count. */
  public static void requireFinite(Volume<FloatType> v, String source) throws BadInputException {
    long nonFinite = Volume.nonFiniteCount(v);
    if (nonFinite > 0) {
      long all = Volume.floats(v).length;
      throw new BadInputException(source, String.format(Locale.ROOT,
          "%d of %d voxels (%.2g%%) are NaN or infinite; a CT holds finite HU: fill them first (e.g. with -1024, air)", nonFinite, all, 100.0 * nonFinite / all));
    }
  }

  public static void requireHu(Volume<FloatType> v, String source) throws BadInputException {
    requireFinite(v, source);
    float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
    for (float x : Volume.floats(v)) {
      if (x < min) min = x;
      if (x > max) max = x;
    }
    if (!(max - min >= 100) || min > -200) {
      throw new BadInputException(source, String.format(Locale.ROOT,
          "values %.4g to %.4g do not look like CT in Hounsfield units (expected air near -1000); is it scaled, windowed or another modality?", min, max));
    }
  }
}
