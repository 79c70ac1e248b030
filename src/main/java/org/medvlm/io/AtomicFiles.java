package org.medvlm.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.medvlm.BadInputException;

/**
 * Writes a file so that readers only ever see the old file or the complete new one: the data go
 * to a temporary file in the same folder, are flushed to disk, and the file is renamed over the
 * target in one step; the folder is synced so the rename survives a power cut. On any failure the
 * temporary file is removed and the target is untouched.
 */
public final class AtomicFiles {
  /** What writes the content. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  private AtomicFiles() {}

  public static void write(Path target, boolean overwrite, Content content) throws IOException {
    checkWritable(target.toAbsolutePath(), overwrite);
    Path tmp = writeTemporary(target, content);
    commit(tmp, target);
  }

  /** Writes UTF-8 text atomically. */
  public static void writeText(Path target, boolean overwrite, String text) throws IOException {
    write(target, overwrite, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  /**
   * Writes the content to a new temporary file beside {@code target}, flushed to disk, and
   * returns it; nothing else is touched. On failure the temporary file is removed.
   */
  public static Path writeTemporary(Path target, Content content) throws IOException {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    if (dir == null || !Files.isDirectory(dir)) throw new BadInputException(target, "folder does not exist: " + dir);
    Path tmp;
    try {
      tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
    } catch (AccessDeniedException e) {
      throw new BadInputException(target, "cannot write here: permission denied");
    } catch (IOException e) {
      throw new BadInputException(target, "cannot create a file in " + dir + ": " + reason(e));
    }
    boolean done = false;
    try {
      permissionsLikeANewFile(tmp, abs);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
          OutputStream out = new BufferedOutputStream(java.nio.channels.Channels.newOutputStream(ch), 1 << 16)) {
        content.writeTo(out);
        out.flush();
        ch.force(true);
      }
      done = true;
      return tmp;
    } catch (BadInputException e) {
      throw e;
    } catch (IOException e) {
      throw new BadInputException(target, "write failed: " + reason(e), e);
    } finally {
      if (!done) Files.deleteIfExists(tmp);
    }
  }

  /**
   * Temporary files are created owner-only (0600); the result should read like any file the user
   * writes: the permissions of the file it replaces, else rw-r--r-- (POSIX file systems only).
   */
  private static void permissionsLikeANewFile(Path tmp, Path target) throws IOException {
    try {
      var perms = Files.exists(target) ? Files.getPosixFilePermissions(target) : java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--");
      Files.setPosixFilePermissions(tmp, perms);
    } catch (UnsupportedOperationException notPosix) {
      // Windows and other non-POSIX file systems keep their defaults
    }
  }

  /** Renames a finished temporary file over the target in one step and syncs the folder. */
  public static void commit(Path tmp, Path target) throws IOException {
    Path abs = target.toAbsolutePath();
    try {
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
      syncDirectory(abs.getParent());
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw new BadInputException(target, "cannot replace the file: " + reason(e), e);
    }
  }

  /**
   * Removes the temporary files killed writers of the files {@code targets} (names in {@code dir})
   * left there, in one listing of the folder. Call only when no other process can be writing
   * those targets (a batch task owns its cases, a training run its folder).
   */
  public static void removeStaleTemporaries(Path dir, java.util.Collection<String> targets) throws IOException {
    if (targets.isEmpty() || !Files.isDirectory(dir)) return;
    try (java.util.stream.Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        String n = p.getFileName().toString();
        if (!n.startsWith(".") || !n.endsWith(".tmp")) continue;
        for (String t : targets) {
          if (n.startsWith("." + t + ".")) {
            Files.deleteIfExists(p);
            break;
          }
        }
      }
    }
  }

  /** Refuses an existing target unless overwriting, and a missing or read-only folder. */
  public static void checkWritable(Path target, boolean overwrite) throws BadInputException {
    Path abs = target.toAbsolutePath();
    if (Files.isDirectory(abs)) throw new BadInputException(target, "is a folder, expected a file name");
    if (Files.exists(abs) && !overwrite) throw new BadInputException(target, "already exists (use {overwrite} to replace it)");
    Path dir = abs.getParent();
    if (dir == null || !Files.isDirectory(dir)) throw new BadInputException(target, "folder does not exist: " + dir);
    if (!Files.isWritable(dir)) throw new BadInputException(target, "cannot write here: permission denied");
  }

  static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException ignored) {
      // Some file systems cannot open folders; the rename itself is still atomic there.
    }
  }

  static String reason(IOException e) {
    if (e instanceof NoSuchFileException) return "no such file or folder";
    if (e instanceof AccessDeniedException) return "permission denied";
    if (e instanceof FileAlreadyExistsException) return "already exists";
    String m = e.getMessage();
    if (m != null && m.contains("No space left")) return "disk full";
    return org.medvlm.ErrorText.plainMessage(e, "input/output error");
  }
}
