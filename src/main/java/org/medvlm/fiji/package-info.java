/**
 * The Fiji side: SciJava commands under Plugins > Med-VLM, the NIfTI IOPlugin, and the actions
 * they share with the ImageJ 1.x plugins of {@code org.medvlm.fiji.ij1} (segment, train,
 * evaluate), converting between ImagePlus or ImgLib2 images and our volumes. Every command's work
 * runs in {@link org.medvlm.fiji.PluginContext}. docs/fiji.md describes what users see.
 */
package org.medvlm.fiji;
