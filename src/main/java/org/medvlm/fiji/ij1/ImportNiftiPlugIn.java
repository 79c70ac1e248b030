package org.medvlm.fiji.ij1;

import ij.IJ;
import ij.io.OpenDialog;
import ij.plugin.PlugIn;
import java.nio.file.Path;
import org.medvlm.fiji.ImagePlusVolumes;
import org.medvlm.io.NiftiReader;

/**
 * File > Import > NIfTI (Med-VLM)... for plain ImageJ 1.x, whose File > Open does not know
 * {@code .nii}/{@code .nii.gz} ("Unsupported format"): the volume as a calibrated image in
 * radiological orientation with its exact affine, as Fiji's File > Open shows it through our
 * IOPlugin. Macro: {@code run("NIfTI (Med-VLM)...", "open=[/data/ct.nii.gz]");}
 */
public class ImportNiftiPlugIn implements PlugIn {
  @Override
  public void run(String arg) {
    Ij1Runs.run("Import NIfTI", () -> {
      OpenDialog od = new OpenDialog("Open NIfTI (.nii, .nii.gz)", arg == null || arg.isBlank() ? null : arg);
      if (od.getFileName() == null) {
        IJ.log("Import NIfTI: cancelled");
        return;
      }
      Path file = Path.of(od.getDirectory(), od.getFileName());
      ImagePlusVolumes.ctImage(NiftiReader.readImage(file), file.getFileName().toString()).show();
    });
  }
}
