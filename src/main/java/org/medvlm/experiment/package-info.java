/**
 * The study's protocol as one run: the same split and preprocessing for every model, each trained
 * and then scored on the validation volumes' original grids, and the report (markdown, HTML, JSON,
 * learning curves, per-organ Dice bars, contour overlays). Used by {@code medvlm experiment} and
 * {@code medvlm demo}.
 */
package org.medvlm.experiment;
