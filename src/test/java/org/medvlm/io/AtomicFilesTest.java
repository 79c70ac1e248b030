package org.medvlm.io;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medvlm.BadInputException;

class AtomicFilesTest {
  @TempDir Path tmp;

  @Test
  void aFailedWriteLeavesTheOldFileAndNoTemporaryFile() throws Exception {
    Path target = tmp.resolve("labels.nii.gz");
    Files.writeString(target, "previous result");
    BadInputException e = assertThrows(BadInputException.class, () -> AtomicFiles.write(target, true, out -> {
      out.write(new byte[100_000]);
      throw new IOException("No space left on device");
    }));
    assertEquals(target + ": write failed: disk full", e.getMessage());
    assertEquals("previous result", Files.readString(target));
    try (var s = Files.list(tmp)) {
      assertEquals(1, s.count(), "temporary file removed");
    }
  }

  @Test
  void aSuccessfulWriteReplacesOnlyWhenAllowed() throws Exception {
    Path target = tmp.resolve("out.csv");
    AtomicFiles.write(target, false, out -> out.write("a".getBytes()));
    assertThrows(BadInputException.class, () -> AtomicFiles.write(target, false, out -> out.write("b".getBytes())));
    AtomicFiles.write(target, true, out -> out.write("b".getBytes()));
    assertEquals("b", Files.readString(target));
  }

  @Test
  void outputsAreReadableByOthersLikeOrdinaryFilesAndKeepReplacedPermissions() throws Exception {
    Path fresh = tmp.resolve("fresh.txt");
    AtomicFiles.writeText(fresh, false, "a");
    assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)), "not the temporary file's 0600");
    Path kept = tmp.resolve("kept.txt");
    Files.writeString(kept, "old");
    Files.setPosixFilePermissions(kept, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw----"));
    AtomicFiles.writeText(kept, true, "new");
    assertEquals("rw-rw----", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(kept)));
  }
}
