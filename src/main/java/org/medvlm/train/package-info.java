/**
 * Training shared by all models: the loop ({@link org.medvlm.train.Trainer}) over a
 * {@link org.medvlm.train.SegmentationTask} (a predictor of {@code infer} with its losses and
 * sampling: {@link org.medvlm.train.UNetTask}, {@link org.medvlm.train.MedVlmTask}), our own
 * {@link org.medvlm.train.AdamW} (so its state can be checkpointed), learning-rate schedules and
 * learning curves. Validation goes through the predictor, so it scores exactly what users get.
 * Checkpoints are written through {@code org.medvlm.checkpoint}.
 */
package org.medvlm.train;
