package org.medvlm.infer;

import java.nio.file.Files;
import java.nio.file.Path;
import org.medvlm.io.CaseId;

/**
 * How the cases of a folder name their outputs ({@code <name>_seg.nii.gz}) and their rows of
 * {@code volumes.csv}. The CLI names by case id, the batch macro (as it always has) by file name.
 */
public enum CaseNames {
  /** By case id: {@code img0001.nii.gz} is {@code 0001}; a DICOM folder by its name made file-safe. */
  CASE_ID,
  /** By file name without {@code .nii}/{@code .nii.gz}: {@code img0001.nii.gz} is {@code img0001}; a DICOM folder by its name. */
  FILE_NAME;

  /** The name of the case in {@code file} (a NIfTI file or a DICOM series folder). */
  public String of(Path file) {
    if (Files.isDirectory(file)) {
      String name = file.getFileName().toString();
      return this == CASE_ID ? CaseFolder.safeName(name) : name;
    }
    return this == CASE_ID ? CaseId.of(file) : CaseId.stem(file);
  }
}
