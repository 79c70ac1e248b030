package org.medvlm.fiji;

import ij.IJ;
import java.util.function.BooleanSupplier;
import org.scijava.app.StatusService;
import org.scijava.log.LogService;

/** {@link TrainAction.Host}s for SciJava (status bar, log) and for ImageJ 1.x (IJ status, log window). */
public final class FijiHosts {
  private FijiHosts() {}

  static TrainAction.Host of(LogService log, StatusService status, BooleanSupplier cancelled) {
    return new TrainAction.Host() {
      @Override
      public void status(String text, double fractionDone) {
        status.showStatus((int) Math.round(1000 * fractionDone), 1000, text);
      }

      @Override
      public void log(String line) {
        log.info(line);
      }

      @Override
      public boolean cancelled() {
        return cancelled.getAsBoolean() || (IJ.getInstance() != null && IJ.escapePressed());
      }
    };
  }

  public static TrainAction.Host imageJ1() {
    return new TrainAction.Host() {
      @Override
      public void status(String text, double fractionDone) {
        IJ.showStatus(text);
        IJ.showProgress(fractionDone);
      }

      @Override
      public void log(String line) {
        IJ.log(line);
      }

      @Override
      public boolean cancelled() {
        return IJ.escapePressed();
      }
    };
  }
}
