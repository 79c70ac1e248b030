package org.medvlm;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * What a user reads when something fails: one line, {@code <file or option>: <problem>}, in
 * words, never a Java exception's class name. The CLI and the Fiji commands both use it.
 */
public final class ErrorText {
  /** Text that quotes code (a qualified class name, a method call): not for users. */
  private static final Pattern CODE = Pattern.compile("\\b[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*\\.[A-Za-z_$][\\w$.]*|\\w+Exception\\b|\\w+Error\\b|\\(\\)");

  private ErrorText() {}

  /** True when the failure is the user's input or environment (exit code 2), not a bug. */
  public static boolean isBadInput(Throwable e) {
    return e instanceof BadInputException || e instanceof FileSystemException || e instanceof java.nio.file.ReadOnlyFileSystemException;
  }

  /** A field's name in a message of the core, {@code {organs}}: each front end names it its own way ({@link #of(Throwable, UnaryOperator)}). */
  private static final Pattern FIELD = Pattern.compile("\\{([a-z][a-z0-9-]*)\\}");

  /** The one-line message for {@code e}, each field as {@code fieldName} names it (the CLI: {@code --organs}; Fiji: the macro key). */
  public static String of(Throwable e, UnaryOperator<String> fieldName) {
    return withFields(plainOf(e), fieldName);
  }

  /** {@code text} with each {@code {field}} as {@code fieldName} names it. */
  public static String withFields(String text, UnaryOperator<String> fieldName) {
    return FIELD.matcher(text).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(fieldName.apply(m.group(1))));
  }

  /** The one-line message for {@code e}, fields by their bare names ({@code organs}). */
  public static String of(Throwable e) {
    return withFields(plainOf(e), f -> f);
  }

  private static String plainOf(Throwable e) {
    if (e instanceof BadInputException b) return oneLine(b.getMessage());
    if (e instanceof FileSystemException f) return oneLine((f.getFile() == null ? "file" : f.getFile()) + ": " + reason(f));
    if (e instanceof java.nio.file.ReadOnlyFileSystemException) return "cannot write: the file system is read-only";
    if (e instanceof OutOfMemoryError) return "out of memory; give Java more, e.g. MEDVLM_JAVA_OPTS=-Xmx16g";
    String m = plainMessage(e, null);
    return m == null ? "internal error" : "internal error: " + m;
  }

  /** {@code e}'s message when it is plain words, else {@code otherwise}: never a class name or quoted code. */
  public static String plainMessage(Throwable e, String otherwise) {
    String m = e.getMessage();
    if (m == null || m.isBlank() || CODE.matcher(m).find()) return otherwise;
    return oneLine(m);
  }

  /** The problem of a file-system failure in words. */
  public static String reason(FileSystemException e) {
    if (e instanceof NoSuchFileException) return "no such file or folder";
    if (e instanceof AccessDeniedException) return "permission denied";
    if (e instanceof FileAlreadyExistsException) return "already exists";
    if (e instanceof NotDirectoryException) return "is not a folder";
    if (e instanceof DirectoryNotEmptyException) return "folder is not empty";
    String r = e.getReason();
    if (r == null || r.isBlank()) return "cannot be accessed";
    String lower = r.toLowerCase(Locale.ROOT);
    if (lower.contains("read-only")) return "cannot write: the file system is read-only";
    if (lower.contains("no space left")) return "cannot write: disk full";
    return r;
  }

  static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("[\\r\\n]+", " ").strip();
  }
}
