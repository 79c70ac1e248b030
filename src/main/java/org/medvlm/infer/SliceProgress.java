package org.medvlm.infer;

/**
 * Hears of every batch of slices a prediction finishes, and may stop it there: a listener that
 * throws {@link Cancelled} ends the prediction before the next batch, with nothing written.
 */
@FunctionalInterface
public interface SliceProgress {
  /** No one listening. */
  SliceProgress NONE = (done, total) -> {};

  /**
   * @param done slices of the volume finished so far
   * @param total slices of the volume
   * @throws Cancelled to stop the prediction
   */
  void slicesDone(int done, int total);

  /** A prediction or job stopped on request (the cancel button, Esc, Ctrl-C). */
  final class Cancelled extends RuntimeException {
    public Cancelled(String message) {
      super(message);
    }
  }
}
