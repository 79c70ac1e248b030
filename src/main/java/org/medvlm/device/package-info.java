/**
 * Which DJL devices a run uses: {@code cpu}, {@code gpu}, GPU indices or {@code auto}, lists of
 * them for data-parallel training, and a one-line description of the engine and device for logs.
 * Below both training and prediction, which both use it.
 */
package org.medvlm.device;
