package org.medvlm.preprocess;

import net.imglib2.type.numeric.integer.IntType;
import net.imglib2.type.numeric.real.FloatType;
import org.medvlm.volume.Crop;
import org.medvlm.volume.Geometry;
import org.medvlm.volume.Grid;
import org.medvlm.volume.Reorientation;
import org.medvlm.volume.Resampler;
import org.medvlm.volume.Volume;

/**
 * Everything needed to undo the preprocessing of one volume: its original grid, the
 * reorientation to RAS, the resampled grid, the body crop and the in-plane resize. A stack of
 * S x S predictions (one per prepared slice) maps back onto exactly the original grid.
 */
public record SliceMapping(Grid original, Reorientation reorientation, Grid ras, Grid resampled, Crop crop, SquareResize resize) {
  /** Number of prepared slices. */
  public int depth() {
    return crop.size()[2];
  }

  public int size() {
    return resize.size();
  }

  /** Grid of the cropped, resampled volume whose axial planes were resized to S x S. */
  public Geometry croppedGeometry() {
    return crop.geometryOf(resampled.geometry());
  }

  /** Label slices ({@code depth * S * S}, slice-major) back onto the original grid, nearest neighbour. */
  public Volume<IntType> labelsToOriginal(int[] slices) {
    int[] c = crop.size();
    int plane = c[0] * c[1];
    int s2 = size() * size();
    check(slices.length, s2);
    int[] out = new int[plane * c[2]];
    for (int z = 0; z < c[2]; z++) resize.nearestBack(slices, z * s2, out, z * plane);
    return croppedLabelsToOriginal(out);
  }

  /** Size of the body crop of the resampled volume (x, y, z): the grid of {@link #croppedGeometry()}. */
  public int[] cropSize() {
    return crop.size();
  }

  /** Labels on the cropped, resampled grid ({@link #cropSize()}, x fastest) back onto the original grid, nearest neighbour. */
  public Volume<IntType> croppedLabelsToOriginal(int[] labels) {
    int[] c = crop.size();
    if (labels.length != c[0] * c[1] * c[2]) throw new IllegalArgumentException("expected " + c[0] + " x " + c[1] + " x " + c[2] + " labels, got " + labels.length);
    Volume<IntType> cropped = Volume.ofLabels(labels, c, croppedGeometry());
    Volume<IntType> full = crop.uncrop(cropped, resampled.dims(), 0);
    Volume<IntType> onRas = Resampler.nearest(full, ras, 0);
    return reorientation.inverse().apply(onRas).withGeometry(original.geometry());
  }

  /** Probability slices back onto the original grid, bilinear in-plane and linear across slices. */
  public Volume<FloatType> probabilitiesToOriginal(float[] slices) {
    int[] c = crop.size();
    int plane = c[0] * c[1];
    int s2 = size() * size();
    check(slices.length, s2);
    float[] out = new float[plane * c[2]];
    for (int z = 0; z < c[2]; z++) resize.bilinearBack(slices, z * s2, out, z * plane);
    Volume<FloatType> cropped = Volume.ofFloats(out, c, croppedGeometry());
    Volume<FloatType> full = crop.uncrop(cropped, resampled.dims(), 0);
    Volume<FloatType> onRas = Resampler.linear(full, ras, 0f);
    return reorientation.inverse().apply(onRas).withGeometry(original.geometry());
  }

  private void check(int length, int s2) {
    if (length != depth() * s2) {
      throw new IllegalArgumentException("expected " + depth() + " slices of " + size() + " x " + size() + ", got " + length + " values");
    }
  }
}
