package org.medvlm.infer;

import java.util.Locale;
import net.imglib2.type.numeric.real.FloatType;
import org.medvlm.BadInputException;
import org.medvlm.volume.Volume;

/** Refuses inputs that cannot be CT in Hounsfield units (constant, or no air at all). */
public final class CtCheck {
  private CtCheck() {}

  public static void requireHu(Volume<FloatType> v, String source) throws BadInputException {
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
