package org.medvlm;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file or value the user gave cannot be used: corrupt, truncated, inconsistent or out of range.
 * The message is always one line of the form {@code <file or option>: <problem>}, so the CLI and
 * the Fiji commands can show it as is. Callers map it to exit code 2.
 */
public class BadInputException extends IOException {
  private static final long serialVersionUID = 1L;
  private final String subject;
  private final String problem;

  public BadInputException(String subject, String problem) {
    this(subject, problem, null);
  }

  public BadInputException(String subject, String problem, Throwable cause) {
    super(subject + ": " + problem, cause);
    this.subject = subject;
    this.problem = problem;
  }

  public BadInputException(Path file, String problem) {
    this(String.valueOf(file), problem, null);
  }

  public BadInputException(Path file, String problem, Throwable cause) {
    this(String.valueOf(file), problem, cause);
  }

  /** The file or option at fault. */
  public String subject() {
    return subject;
  }

  /** What is wrong with it, without the subject. */
  public String problem() {
    return problem;
  }
}
