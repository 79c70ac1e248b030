/**
 * CT volumes and their geometry: {@link org.medvlm.volume.Volume} (an ImgLib2 image in x, y, z
 * order plus its index-to-world affine), {@link org.medvlm.volume.Geometry},
 * exact reorientation ({@link org.medvlm.volume.Reorientation}) and resampling onto a new grid and
 * back ({@link org.medvlm.volume.Resampler}). World coordinates are RAS+ millimetres, as in NIfTI.
 */
package org.medvlm.volume;
