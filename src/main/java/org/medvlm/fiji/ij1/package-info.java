/**
 * The ImageJ 1.x plugins behind plugins.config (Plugins > Med-VLM and File > Import > NIfTI) for
 * plain ImageJ 1.x, with the same macro keys as the SciJava commands; their dialog labels are held
 * in {@link org.medvlm.fiji.ij1.DialogField}.
 */
package org.medvlm.fiji.ij1;
