package org.medvlm.fiji;

import ij.ImagePlus;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.medvlm.io.NiftiDatatype;
import org.medvlm.io.NiftiReader;
import org.medvlm.io.NiftiWriter;
import org.scijava.Priority;
import org.scijava.io.AbstractIOPlugin;
import org.scijava.io.IOPlugin;
import org.scijava.io.location.FileLocation;
import org.scijava.io.location.Location;
import org.scijava.plugin.Plugin;

/**
 * {@code IOService.open} of {@code .nii}/{@code .nii.gz} as a calibrated ImageJ image (shown in
 * radiological orientation, exact affine kept), and saving of label images (8/16-bit, as
 * integer labels on the image's own grid) to NIfTI.
 */
@Plugin(type = IOPlugin.class, priority = Priority.HIGH)
public class NiftiIOPlugin extends AbstractIOPlugin<ImagePlus> {
  @Override
  public Class<ImagePlus> getDataType() {
    return ImagePlus.class;
  }

  private static boolean isNifti(Location loc) {
    if (!(loc instanceof FileLocation f)) return false;
    String n = f.getFile().getName().toLowerCase(Locale.ROOT);
    return n.endsWith(".nii") || n.endsWith(".nii.gz");
  }

  @Override
  public boolean supportsOpen(Location source) {
    return isNifti(source);
  }

  @Override
  public boolean supportsSave(Location destination) {
    return isNifti(destination);
  }

  @Override
  public boolean supportsSave(Object data, Location destination) {
    return data instanceof ImagePlus imp && (imp.getBitDepth() == 8 || imp.getBitDepth() == 16) && isNifti(destination);
  }

  @Override
  public ImagePlus open(Location source) throws IOException {
    Path file = ((FileLocation) source).getFile().toPath();
    return ImagePlusVolumes.ctImage(NiftiReader.readImage(file), file.getFileName().toString());
  }

  @Override
  public void save(ImagePlus data, Location destination) throws IOException {
    Path file = ((FileLocation) destination).getFile().toPath();
    var labels = ImagePlusVolumes.toLabels(data);
    NiftiWriter.write(labels, file, data.getBitDepth() == 8 ? NiftiDatatype.UINT8 : NiftiDatatype.UINT16, true);
  }
}
