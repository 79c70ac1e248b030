package org.medvlm.train;

import java.util.List;
import org.medvlm.data.Organ;
import org.medvlm.preprocess.AugmentConfig;
import org.medvlm.preprocess.PreprocessConfig;

/**
 * Settings of a training run, saved in every checkpoint.
 *
 * @param epochs number of passes over the training slices
 * @param batchSize slices per step
 * @param learningRate AdamW step size
 * @param weightDecay AdamW decoupled weight decay
 * @param seed drives initialisation, slice order and augmentation
 * @param organs organs to segment (the model's classes besides background)
 * @param preprocess the shared preprocessing
 * @param augment training augmentations
 * @param rareRepeats at most how often per epoch a slice showing a rare organ (fewer training
 *     voxels than the median organ) is seen, the rarer the more often; 1 = plain epochs
 * @param rareWeight at most how much a rare organ's pixels weigh in the cross-entropy, by
 *     sqrt(median organ voxels / its voxels); 1 = unweighted
 * @param schedule how the learning rate moves over the run (null, in checkpoints made before it
 *     existed: constant)
 */
public record TrainConfig(int epochs, int batchSize, float learningRate, float weightDecay, long seed, List<Organ> organs,
    PreprocessConfig preprocess, AugmentConfig augment, int rareRepeats, float rareWeight, LearningRateSchedule schedule) {
  public TrainConfig {
    if (epochs < 1) throw new IllegalArgumentException("epochs must be at least 1");
    if (batchSize < 1) throw new IllegalArgumentException("batch size must be at least 1");
    if (!(learningRate > 0)) throw new IllegalArgumentException("learning rate must be positive");
    if (rareRepeats < 1) throw new IllegalArgumentException("rare-organ repeats must be at least 1");
    if (!(rareWeight >= 1)) throw new IllegalArgumentException("rare-organ weight must be at least 1");
    organs = List.copyOf(organs);
    if (schedule == null) schedule = LearningRateSchedule.CONSTANT;
  }
}
