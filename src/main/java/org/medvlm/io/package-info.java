/**
 * Reading and writing volumes: NIfTI-1/2 ({@link org.medvlm.io.NiftiReader},
 * {@link org.medvlm.io.NiftiWriter}), DICOM CT series ({@link org.medvlm.io.DicomSeriesReader}),
 * one entry point for either ({@link org.medvlm.io.VolumeIO}) and crash-safe output
 * ({@link org.medvlm.io.AtomicFiles}). Every problem with an input is a
 * {@link org.medvlm.BadInputException} naming the file; nothing is allocated from an unchecked
 * header value.
 */
package org.medvlm.io;
