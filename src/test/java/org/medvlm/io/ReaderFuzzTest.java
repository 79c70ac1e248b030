package org.medvlm.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.medvlm.BadInputException;

/**
 * Fuzz targets for the two readers of untrusted files. The only exception either may throw is
 * {@link BadInputException}; anything else (or running out of memory) is a finding. In the
 * normal test run these replay the seed inputs in {@code ReaderFuzzTestInputs/}; set
 * {@code JAZZER_FUZZ=1} to fuzz (see docs/fuzzing.md).
 */
class ReaderFuzzTest {
  private static final Path DIR = tempDir();

  private static Path tempDir() {
    try {
      Path shm = Path.of("/dev/shm");
      return Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "medvlm-fuzz") : Files.createTempDirectory("medvlm-fuzz");
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @FuzzTest(maxDuration = "5m")
  void nifti(byte[] data) throws Exception {
    for (String name : new String[] {"f.nii", "f.nii.gz"}) {
      Path f = DIR.resolve(name);
      Files.write(f, data);
      try {
        NiftiReader.readImage(f);
        NiftiReader.readLabels(f);
        NiftiReader.info(f);
      } catch (BadInputException expected) {
        // the declared failure for bad files
      }
    }
  }

  @FuzzTest(maxDuration = "5m")
  void dicom(byte[] data) throws Exception {
    Path f = DIR.resolve("slice.dcm");
    try {
      DicomSlice.of(DicomFile.parse(data, f));
    } catch (Jpeg2000.DecodeTimeoutException hang) {
      throw new AssertionError("decoder hang", hang);
    } catch (BadInputException expected) {
      // the declared failure for bad files
    }
  }
}
