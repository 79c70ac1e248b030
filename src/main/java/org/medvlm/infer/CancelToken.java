package org.medvlm.infer;

/**
 * Asks a running segmentation job to stop: set from another thread (a dialog's cancel button,
 * Esc, a signal), seen by the job before the next batch of slices and before the next case. The
 * case being segmented is dropped whole; nothing of it is written.
 */
public final class CancelToken {
  private volatile boolean cancelled;

  public void cancel() {
    cancelled = true;
  }

  public boolean isCancelled() {
    return cancelled;
  }

  /** Throws {@link SliceProgress.Cancelled} once cancelled. */
  void check() {
    if (cancelled) throw new SliceProgress.Cancelled("cancelled: the case being segmented was not written");
  }
}
