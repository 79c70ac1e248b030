/**
 * What the data mean: the 13 BTCV organs ({@link org.medvlm.data.Organ}), their text prompts
 * ({@link org.medvlm.data.PromptLibrary}), maps from other label numberings
 * ({@link org.medvlm.data.LabelMap}), dataset folder layouts ({@link org.medvlm.data.Dataset}),
 * the train/validation split ({@link org.medvlm.data.Split}) and synthetic BTCV-shaped phantoms
 * ({@link org.medvlm.data.PhantomGenerator}).
 */
package org.medvlm.data;
