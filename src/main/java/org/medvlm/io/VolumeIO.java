package org.medvlm.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.imglib2.type.numeric.integer.IntType;
import net.imglib2.type.numeric.real.FloatType;
import org.medvlm.BadInputException;
import org.medvlm.data.CaseId;
import org.medvlm.volume.Volume;

/** Reads a CT from whatever the user points at: a NIfTI file or a folder holding one DICOM series. */
public final class VolumeIO {
  private VolumeIO() {}

  public static Volume<FloatType> readImage(Path input) throws IOException {
    return readImage(input, NiftiReader.Options.STRICT);
  }

  public static Volume<FloatType> readImage(Path input, NiftiReader.Options options) throws IOException {
    if (Files.isDirectory(input)) {
      if (!DicomSeriesReader.isDicomFolder(input)) throw new BadInputException(input, "folder holds no DICOM files (expected one CT series)");
      return DicomSeriesReader.read(input);
    }
    checkNiftiName(input);
    return NiftiReader.readImage(input, options);
  }

  /** Label maps are NIfTI files. */
  public static Volume<IntType> readLabels(Path input) throws IOException {
    checkNiftiName(input);
    return NiftiReader.readLabels(input);
  }

  private static void checkNiftiName(Path input) throws BadInputException {
    if (!Files.exists(input)) throw new BadInputException(input, "no such file or folder");
    if (!CaseId.isNifti(input)) {
      if (DicomFile.looksLikeDicom(input)) throw new BadInputException(input, "is a single DICOM file; give the folder that holds the whole series");
      throw new BadInputException(input, "unsupported file type: expected .nii, .nii.gz or a DICOM folder");
    }
  }
}
