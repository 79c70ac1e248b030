package org.medvlm.cli;

import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.medvlm.train.EpochMetrics;
import org.medvlm.train.TrainingListener;

/**
 * Turns SIGTERM and SIGINT (a scheduler's warning signal, {@code scancel}, Ctrl-C) into a clean
 * stop of training: the current step finishes, a checkpoint of exactly where training stood is
 * saved, and only then does the JVM exit (status 143 for SIGTERM). {@code train --resume}
 * continues from there as if nothing had happened. A hard kill (SIGKILL) still leaves the last
 * checkpoint intact, only the steps since then are repeated.
 */
final class GracefulStop implements AutoCloseable {
  private final AtomicBoolean requested = new AtomicBoolean();
  private final CountDownLatch finished = new CountDownLatch(1);
  private final Thread hook;

  GracefulStop(PrintWriter err) {
    hook = new Thread(() -> {
      requested.set(true);
      err.println("medvlm: stop requested by a signal: finishing the current step and saving a checkpoint");
      err.flush();
      try {
        finished.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "medvlm-graceful-stop");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** {@code listener}, also cancelled once a signal has asked to stop. */
  TrainingListener wrap(TrainingListener listener) {
    return new TrainingListener() {
      @Override
      public void step(int epoch, int epochs, int step, int steps, double loss, double sps, double eta) {
        listener.step(epoch, epochs, step, steps, loss, sps, eta);
      }

      @Override
      public void epoch(EpochMetrics metrics, boolean best) {
        listener.epoch(metrics, best);
      }

      @Override
      public void message(String text) {
        listener.message(text);
      }

      @Override
      public boolean cancelled() {
        return requested.get() || listener.cancelled();
      }
    };
  }

  /** Whether a signal asked to stop. */
  boolean requested() {
    return requested.get();
  }

  /** Training is over (checkpoint written): lets a pending exit proceed. */
  @Override
  public void close() {
    finished.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running: it returns now that the latch is open
    }
  }
}
