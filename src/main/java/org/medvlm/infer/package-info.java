/**
 * Segmentation of whole volumes with a trained model: {@link org.medvlm.infer.Segmenter} (load a
 * checkpoint, preprocess, predict, map back onto the input grid), 3D post-processing
 * ({@link org.medvlm.infer.PostProcess}), folders of cases and their shards.
 */
package org.medvlm.infer;
