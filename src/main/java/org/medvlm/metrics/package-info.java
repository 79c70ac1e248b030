/**
 * Segmentation metrics in physical units: Dice, IoU, HD95, average symmetric surface distance,
 * normalised surface Dice and organ volumes ({@link org.medvlm.metrics.Evaluator}), built on an
 * exact anisotropic Euclidean distance transform ({@link org.medvlm.metrics.DistanceTransform}).
 */
package org.medvlm.metrics;
