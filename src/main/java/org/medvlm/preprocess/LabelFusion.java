package org.medvlm.preprocess;

import java.util.Arrays;
import net.imglib2.type.numeric.integer.IntType;
import org.medvlm.volume.Volume;

/**
 * Turns a model's per-organ score maps (one S x S map per organ and prepared slice) into one
 * label map on the original grid. Each map is first resized back to the body crop's plane
 * (bilinear, the inverse of the input resize) and only then compared, so boundaries fall
 * between the model's pixels instead of on their edges: a thin organ keeps its shape where
 * resizing labels would make it blocky. A voxel takes the label with the highest score above
 * the floor (the first on ties), else background.
 *
 * <p>Two kinds of scores fit: independent probabilities with floor 0.5 (Med-VLM: each organ on
 * its own), and the logits of competing classes, background included, with floor negative
 * infinity (U-Net: the upsampled logits' argmax).
 */
public final class LabelFusion {
  private final SliceMapping mapping;
  private final float floor;
  private final int plane;
  private final float[] best;
  private final int[] labels;
  private final float[] scratch;

  public LabelFusion(SliceMapping mapping, float floor) {
    this.mapping = mapping;
    this.floor = floor;
    int[] c = mapping.cropSize();
    plane = c[0] * c[1];
    best = new float[plane * c[2]];
    Arrays.fill(best, floor);
    labels = new int[best.length];
    scratch = new float[plane];
  }

  /** Floor for independent probabilities: a voxel is an organ's where its probability exceeds 0.5. */
  public static LabelFusion ofProbabilities(SliceMapping mapping) {
    return new LabelFusion(mapping, 0.5f);
  }

  /** No floor: the label with the highest score wins (competing logits, background among them). */
  public static LabelFusion ofLogits(SliceMapping mapping) {
    return new LabelFusion(mapping, Float.NEGATIVE_INFINITY);
  }

  /** Adds the S x S score map {@code scores[from, from + S^2)} of {@code label} on prepared slice {@code z}. */
  public void add(int label, int z, float[] scores, int from) {
    int s2 = mapping.size() * mapping.size();
    if (floor > Float.NEGATIVE_INFINITY && max(scores, from, s2) <= floor) return; // interpolation cannot exceed the map's maximum
    mapping.resize().bilinearBack(scores, from, scratch, 0);
    int base = z * plane;
    for (int i = 0; i < plane; i++) {
      if (scratch[i] > best[base + i]) {
        best[base + i] = scratch[i];
        labels[base + i] = label;
      }
    }
  }

  /** The fused labels on the original grid. */
  public Volume<IntType> toOriginal() {
    return mapping.croppedLabelsToOriginal(labels.clone());
  }

  /** The fused labels on the body crop's grid (what {@link #toOriginal} maps back). */
  int[] croppedLabels() {
    return labels.clone();
  }

  private static float max(float[] a, int from, int n) {
    float m = Float.NEGATIVE_INFINITY;
    for (int i = from; i < from + n; i++) m = Math.max(m, a[i]);
    return m;
  }
}
