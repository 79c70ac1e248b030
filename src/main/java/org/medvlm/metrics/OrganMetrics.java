package org.medvlm.metrics;

import org.medvlm.data.Organ;

/**
 * The metrics of one organ in one case. Distances are in mm, volumes in mL. Values that are
 * undefined for the status are null: an organ absent from both volumes has no metrics at all
 * (it is reported as absent, never as 0 or 1); a missed or spurious organ has Dice 0 and no
 * surface distances; an organ the reference does not label is "not labelled", with no metrics.
 */
public record OrganMetrics(Organ organ, Status status, Double dice, Double iou, Double hd95, Double assd, Double nsd,
    double predictedMl, double referenceMl) {
  public enum Status {
    /** In both volumes. */
    PRESENT,
    /** In neither volume. */
    ABSENT,
    /** In the reference only. */
    MISSED,
    /** In the prediction only. */
    FALSE_POSITIVE,
    /** The reference does not label this organ (a partially labelled case): not scored, never 0 or 1. */
    NOT_LABELLED;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
  }
}
