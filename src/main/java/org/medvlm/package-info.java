/**
 * Med-VLM for Fiji. The packages are floors (docs/architecture.md; ArchitectureTest keeps them):
 * volumes, file formats, preprocessing and the model blocks at the bottom; organs, datasets,
 * metrics, tokenizers, encoder weights and checkpoints above them; prediction ({@code infer})
 * above those, training ({@code train}) above prediction; the study ({@code experiment}) and the
 * benchmarks ({@code bench}) above training; the CLI ({@code cli}) and Fiji ({@code fiji}) on top,
 * thin front ends of the same jobs. This package holds what every floor uses: the one-line error
 * ({@link org.medvlm.BadInputException}, {@link org.medvlm.ErrorText}).
 */
package org.medvlm;
