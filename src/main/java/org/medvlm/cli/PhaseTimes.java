package org.medvlm.cli;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Wall time of the phases of one command, printed as one line ("time: start-up 1.2 s, model
 * 0.9 s, ...; 10.4 s since the JVM started"), so users see where a run's time goes.
 */
final class PhaseTimes {
  private final List<String> parts = new ArrayList<>();
  private long last = System.nanoTime();

  PhaseTimes() {
    double startup = (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1e3;
    parts.add(String.format(Locale.ROOT, "start-up %.1f s", startup));
  }

  /** Ends the phase that ran since the previous mark (or since this object was made). */
  void mark(String phase) {
    long now = System.nanoTime();
    parts.add(String.format(Locale.ROOT, "%s %.1f s", phase, (now - last) / 1e9));
    last = now;
  }

  @Override
  public String toString() {
    double total = (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1e3;
    return String.format(Locale.ROOT, "time: %s; %.1f s since the JVM started", String.join(", ", parts), total);
  }
}
