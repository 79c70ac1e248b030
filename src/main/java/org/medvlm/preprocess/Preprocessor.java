package org.medvlm.preprocess;

import net.imglib2.type.numeric.integer.IntType;
import net.imglib2.type.numeric.real.FloatType;
import org.medvlm.volume.Crop;
import org.medvlm.volume.Grid;
import org.medvlm.volume.Reorientation;
import org.medvlm.volume.Resampler;
import org.medvlm.volume.Volume;

/**
 * The shared preprocessing: reorient to RAS, resample (linear for CT, nearest for labels), crop
 * to the body, window to [0, 1], cut axial slices and resize them to the model size. Training,
 * inference and evaluation all call {@link #prepare}, so they see identical inputs.
 */
public final class Preprocessor {
  private final PreprocessConfig config;

  public Preprocessor(PreprocessConfig config) {
    this.config = config;
  }

  public PreprocessConfig config() {
    return config;
  }

  public PreparedVolume prepare(Volume<FloatType> ct) {
    return prepare(ct, null);
  }

  /**
   * @param labels label map on exactly the CT's grid, or null
   * @throws IllegalArgumentException if the label grid differs from the CT grid
   */
  public PreparedVolume prepare(Volume<FloatType> ct, Volume<IntType> labels) {
    if (labels != null && !labels.sameGrid(ct, 1e-3)) {
      throw new IllegalArgumentException("label grid " + Grid.of(labels) + " differs from image grid " + Grid.of(ct));
    }
    Reorientation reorient = Reorientation.to("RAS", ct.geometry(), ct.dims());
    Volume<FloatType> ras = reorient.apply(ct);
    Grid rasGrid = Grid.of(ras);
    Grid resampledGrid = rasGrid.withSpacing(config.spacing());
    Volume<FloatType> hu = Resampler.linear(ras, resampledGrid, (float) config.windowLow());
    Crop crop = BodyCrop.find(hu, config.bodyThresholdHu(), config.cropMarginMm());
    Volume<FloatType> cropped = crop.apply(hu);
    hu = null; // the full-size copy is no longer needed
    window(Volume.floats(cropped));
    int[] c = crop.size();
    SquareResize resize = new SquareResize(c[0], c[1], config.size());
    SliceMapping mapping = new SliceMapping(Grid.of(ct), reorient, rasGrid, resampledGrid, crop, resize);

    int s2 = config.size() * config.size();
    int plane = c[0] * c[1];
    float[] image = new float[c[2] * s2];
    float[] src = Volume.floats(cropped);
    for (int z = 0; z < c[2]; z++) resize.bilinear(src, z * plane, image, z * s2, 0f);

    int[] labelSlices = null;
    if (labels != null) {
      Volume<IntType> l = crop.apply(Resampler.nearest(reorient.apply(labels), resampledGrid, 0));
      int[] ls = Volume.ints(l);
      labelSlices = new int[c[2] * s2];
      for (int z = 0; z < c[2]; z++) resize.nearest(ls, z * plane, labelSlices, z * s2);
    }
    return new PreparedVolume(image, labelSlices, mapping, config.contextSlices());
  }

  /** Clips to the CT window and scales to [0, 1]; non-finite values become 0 (air). */
  private void window(float[] v) {
    float lo = (float) config.windowLow();
    float range = (float) (config.windowHigh() - config.windowLow());
    for (int i = 0; i < v.length; i++) {
      float x = (v[i] - lo) / range;
      v[i] = x > 0 ? (x < 1 ? x : 1) : 0; // NaN compares false and lands on 0
    }
  }
}
