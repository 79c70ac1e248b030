package org.medvlm;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import org.junit.jupiter.api.Test;

/** What a user reads: the file and the problem in words, never a Java class name. */
class ErrorTextTest {
  @Test
  void fileSystemFailuresNameTheFileAndAreTheUsersToFix() {
    FileSystemException ro = new FileSystemException("/data/run", null, "Read-only file system");
    assertEquals("/data/run: cannot write: the file system is read-only", ErrorText.of(ro));
    assertTrue(ErrorText.isBadInput(ro));
    assertEquals("/data/x: permission denied", ErrorText.of(new AccessDeniedException("/data/x")));
    assertEquals("/d/f: cannot write: disk full", ErrorText.of(new FileSystemException("/d/f", null, "No space left on device")));
  }

  @Test
  void internalErrorsCarryNoCode() {
    String npe = ErrorText.of(new NullPointerException("Cannot invoke \"com.google.gson.JsonElement.getAsInt()\" because the return value is null"));
    assertEquals("internal error", npe);
    assertEquals("internal error", ErrorText.of(new IllegalStateException("com.google.gson.stream.MalformedJsonException: x")));
    assertEquals("internal error: training diverged", ErrorText.of(new IllegalStateException("training diverged")));
    assertFalse(ErrorText.isBadInput(new IllegalStateException("x")));
    assertEquals("spleen.nii: bad", ErrorText.of(new BadInputException("spleen.nii", "bad")));
  }
}
