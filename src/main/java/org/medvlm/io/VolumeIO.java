package org.medvlm.io;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import net.imglib2.type.numeric.integer.IntType;
import net.imglib2.type.numeric.real.FloatType;
import org.medvlm.BadInputException;
import org.medvlm.volume.Volume;

/** Reads a CT from whatever the user points at: a NIfTI file or a folder holding one DICOM series. */
public final class VolumeIO {
  private VolumeIO() {}

  public static Volume<FloatType> readImage(Path input) throws IOException {
    return readImage(input, NiftiReader.Options.STRICT);
  }

  public static Volume<FloatType> readImage(Path input, NiftiReader.Options options) throws IOException {
    requireReadable(input);
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

  /**
   * Refuses at once what cannot be read as a file or folder: a missing path, a dangling link or a
   * link loop (told apart from "no such file"), and a named pipe or device, whose read would wait
   * forever for a writer.
   */
  public static void requireReadable(Path input) throws BadInputException {
    if (!Files.exists(input)) {
      if (!Files.exists(input, LinkOption.NOFOLLOW_LINKS)) throw new BadInputException(input, "no such file or folder");
      try {
        input.toRealPath();
      } catch (FileSystemException e) {
        if (String.valueOf(e.getReason()).toLowerCase(java.util.Locale.ROOT).contains("levels")) {
          throw new BadInputException(input, "is a loop of symbolic links");
        }
      } catch (IOException e) {
        // reported below
      }
      throw new BadInputException(input, "is a symbolic link to a file or folder that does not exist");
    }
    if (!Files.isDirectory(input) && !Files.isRegularFile(input)) {
      throw new BadInputException(input, "is not a regular file (a named pipe or a device?); give a NIfTI file or a DICOM folder");
    }
    if (!Files.isReadable(input)) throw new BadInputException(input, "cannot be read: permission denied");
  }

  private static void checkNiftiName(Path input) throws BadInputException {
    requireReadable(input);
    if (!CaseId.isNifti(input)) {
      if (DicomFile.looksLikeDicom(input)) throw new BadInputException(input, "is a single DICOM file; give the folder that holds the whole series");
      throw new BadInputException(input, "unsupported file type: expected .nii, .nii.gz or a DICOM folder");
    }
  }
}
