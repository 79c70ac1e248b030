package org.medvlm.train;

import java.util.Map;

/**
 * One epoch's figures. {@code valDice} is 3D Dice per organ on the validation volumes' original
 * grids (what a user gets); {@code meanValDice} averages the organs present in the validation
 * references. {@code valSliceDice} is the same mean at model resolution on the prepared slices,
 * each organ's voxels pooled over all validation slices. {@code meanTrainDice} is the 3D mean Dice,
 * computed as for validation, on the first training volumes (at most {@link Trainer#TRAIN_DICE_CASES}),
 * predicted without augmentation after the epoch: the training side of the learning curves.
 */
public record EpochMetrics(int epoch, double trainLoss, double valLoss, double valSliceDice, Map<String, Double> valDice,
    double meanValDice, double seconds, double samplesPerSecond, double meanTrainDice) {}
