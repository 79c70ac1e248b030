/**
 * Network architectures as DJL blocks: the 2D U-Net baseline ({@link org.medvlm.model.UNet}) and,
 * in {@code model.vlm}, Med-VLM's encoders, mixer and decoder. Blocks know nothing of files,
 * prompts or training.
 */
package org.medvlm.model;
