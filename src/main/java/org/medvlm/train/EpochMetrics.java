package org.medvlm.train;

import java.util.Map;

/**
 * One epoch's figures. {@code valDice} is 3D Dice per organ on the validation volumes' original
 * grids (what a user gets); {@code meanValDice} averages the organs present in the validation
 * references. {@code valSliceDice} is the same mean at model resolution on the prepared slices,
 * each organ's voxels pooled over all validation slices.
 */
public record EpochMetrics(int epoch, double trainLoss, double valLoss, double valSliceDice, Map<String, Double> valDice,
    double meanValDice, double seconds, double samplesPerSecond) {}
