/**
 * Training shared by all models: the loop ({@link org.medvlm.train.Trainer}) over a
 * {@link org.medvlm.train.SegmentationTask}, our own {@link org.medvlm.train.AdamW} (so its state
 * can be checkpointed), the loss, crash-safe two-generation checkpoints
 * ({@link org.medvlm.train.CheckpointStore}) and learning curves.
 */
package org.medvlm.train;
