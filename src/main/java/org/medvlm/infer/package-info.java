/**
 * Prediction, below training: the models as predictors ({@link org.medvlm.infer.SegmentationModel}:
 * {@link org.medvlm.infer.UNetPredictor}, {@link org.medvlm.infer.MedVlmPredictor}, built from a
 * checkpoint's description), a loaded model ({@link org.medvlm.infer.Segmenter}: checkpoint,
 * preprocessing, prediction, labels back on the input grid), 3D post-processing, and the one
 * segmentation job of the CLI, Fiji and the batch macro ({@link org.medvlm.infer.SegmentJob}:
 * folders, shards, skipping finished cases, the volumes table, progress, cancel, a smaller batch
 * when memory runs out). Uses nothing of training.
 */
package org.medvlm.infer;
