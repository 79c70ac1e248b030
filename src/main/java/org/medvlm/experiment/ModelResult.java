package org.medvlm.experiment;

import java.util.List;
import java.util.Map;
import org.medvlm.train.EpochMetrics;

/**
 * One model's outcome in an experiment: training figures from its run, and Dice and HD95 per
 * organ (means over cases, organs absent from a case's reference and prediction left out) on the
 * validation volumes and on up to a few training volumes, all on the volumes' original grids.
 */
public record ModelResult(String model, Map<String, Object> settings, long trainable, long frozen, long total, int bestEpoch, double trainSeconds,
    double samplesPerSecond, List<EpochMetrics> history, Map<String, Double> valDice, Map<String, Double> valHd95, Map<String, Double> trainDice,
    List<String> validationCases, List<String> trainEvalCases, double segmentSecondsPerCase) {

  /** Mean of spleen and liver Dice, the study's headline figure (NaN when neither is present). */
  public static double spleenLiver(Map<String, Double> dice) {
    Double s = dice.get("spleen");
    Double l = dice.get("liver");
    if (s == null && l == null) return Double.NaN;
    if (s == null) return l;
    if (l == null) return s;
    return (s + l) / 2;
  }

  /** Mean over the organs that have a value. */
  public static double mean(Map<String, Double> values) {
    return values.values().stream().filter(v -> v != null && Double.isFinite(v)).mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }
}
