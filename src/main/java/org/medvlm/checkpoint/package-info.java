/**
 * Checkpoint files: one file holding a model's description, weights and optimiser state with a
 * SHA-256 over all of it ({@link org.medvlm.checkpoint.Checkpoint}), and a training folder's
 * latest and best checkpoints written atomically ({@link org.medvlm.checkpoint.CheckpointStore}).
 * Read by prediction ({@code infer}) and written by training ({@code train}); uses only
 * {@code io}, {@code data} and {@code preprocess}.
 */
package org.medvlm.checkpoint;
