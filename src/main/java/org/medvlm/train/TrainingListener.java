package org.medvlm.train;

/** Progress of a training run, for a console bar, the Fiji status bar or a log. */
public interface TrainingListener {
  void step(int epoch, int epochs, int step, int steps, double loss, double samplesPerSecond, double etaSeconds);

  void epoch(EpochMetrics metrics, boolean best);

  void message(String text);

  /** Polled between steps; true stops training after saving. */
  default boolean cancelled() {
    return false;
  }

  TrainingListener SILENT = new TrainingListener() {
    @Override
    public void step(int epoch, int epochs, int step, int steps, double loss, double sps, double eta) {}

    @Override
    public void epoch(EpochMetrics metrics, boolean best) {}

    @Override
    public void message(String text) {}
  };
}
