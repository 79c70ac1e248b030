package org.medvlm.infer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.medvlm.BadInputException;
import org.medvlm.io.CaseId;
import org.medvlm.io.DicomSeriesReader;

/** The cases of a batch folder: its NIfTI files and DICOM series subfolders, by name, sorted by file name. */
public final class CaseFolder {
  private CaseFolder() {}

  /** Case id to path, in the sorted order that shards count positions in. */
  public static Map<String, Path> list(Path folder) throws IOException {
    return list(folder, CaseNames.CASE_ID);
  }

  /** Case name to path, named as {@code names} says, in the sorted order that shards count positions in. */
  public static Map<String, Path> list(Path folder, CaseNames names) throws IOException {
    Map<String, Path> cases = new LinkedHashMap<>();
    try (Stream<Path> s = Files.list(folder)) {
      for (Path p : s.sorted().toList()) {
        boolean nifti = Files.isRegularFile(p) && CaseId.isNifti(p);
        if (nifti || Files.isDirectory(p) && DicomSeriesReader.isDicomFolder(p)) cases.put(names.of(p), p);
      }
    }
    if (cases.isEmpty()) throw new BadInputException(folder, "folder holds no NIfTI files and no DICOM series folders");
    return cases;
  }

  /** A file name part from a folder name: letters, digits, '.', '_' and '-' only. */
  public static String safeName(String s) {
    String t = s.replaceAll("[^A-Za-z0-9._-]", "_");
    return t.isEmpty() || t.startsWith(".") ? "case_" + t : t;
  }
}
