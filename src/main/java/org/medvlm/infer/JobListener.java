package org.medvlm.infer;

/**
 * What a segmentation job tells its front end while it runs: the CLI draws a progress bar and
 * prints a line per case, Fiji shows them in its status bar and log. Every method has a quiet default.
 */
public interface JobListener {
  /** The model is loaded (before any input is read). */
  default void modelOpened(Segmenter segmenter) {}

  /** A line for the log: a shard's share of the cases, a case skipped as done. */
  default void message(String line) {}

  /** Something the user should know but that does not stop the job (a truncated prompt, a smaller batch after running out of memory). */
  default void warning(String line) {}

  /** Case {@code index} (1-based) of {@code count} begins. */
  default void caseStarted(int index, int count, String id) {}

  /** {@code done} of the case's {@code total} slices are segmented (after every batch). */
  default void slicesDone(int done, int total) {}

  /** Case {@code index} is written, in {@code seconds}. */
  default void caseFinished(int index, int count, String id, double seconds) {}

  /** Case {@code index} could not be segmented; the job goes on with the next. */
  default void caseFailed(int index, int count, String id, String problem) {}

  /** A phase of a single-case run ended: "read", "segment" or "write". */
  default void phase(String name) {}
}
