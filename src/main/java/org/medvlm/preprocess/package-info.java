/**
 * The one preprocessing path shared by training, inference and evaluation:
 * {@link org.medvlm.preprocess.Preprocessor} turns a CT (and optionally its labels) into
 * model-sized axial slices and records in {@link org.medvlm.preprocess.SliceMapping} everything
 * needed to put a prediction back onto the exact input grid. Training augmentations live in
 * {@link org.medvlm.preprocess.Augmenter}.
 */
package org.medvlm.preprocess;
