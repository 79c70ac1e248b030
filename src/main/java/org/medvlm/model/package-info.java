/**
 * Network architectures as DJL blocks: the 2D U-Net baseline ({@link org.medvlm.model.UNet})
 * and, later, the Med-VLM parts. Blocks know nothing of files or training.
 */
package org.medvlm.model;
