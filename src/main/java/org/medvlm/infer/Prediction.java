package org.medvlm.infer;

import net.imglib2.type.numeric.integer.IntType;
import org.medvlm.volume.Volume;

/**
 * A volume's prediction as validation scores it: label slices at the model's resolution
 * ({@code depth x size x size}, each pixel decided on the model's own grid), the labels on the
 * original grid as {@link SegmentationModel#predict} gives them, and the summed loss of
 * {@code batches} batches against the volume's own labels (0 and 0 when no loss was asked for).
 */
public record Prediction(int[] slices, Volume<IntType> labels, double lossSum, int batches) {}
