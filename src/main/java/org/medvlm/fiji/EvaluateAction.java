package org.medvlm.fiji;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.medvlm.BadInputException;
import org.medvlm.data.LabelMap;
import org.medvlm.data.Organ;
import org.medvlm.data.OrganSet;
import org.medvlm.io.AtomicFiles;
import org.medvlm.metrics.EvaluationReport;
import org.medvlm.metrics.Evaluator;

/**
 * What "Med-VLM Evaluate" does, for the SciJava command and the ImageJ 1.x plugin: all 13 organs
 * of predictions against references (files or folders matched by case id; an optional label map
 * for the references and the organs they label), one CSV row per case and organ, the means to the log.
 */
public final class EvaluateAction {
  private EvaluateAction() {}

  public static void run(Path predictions, Path references, Path referenceLabelMap, Path output, Consumer<String> log) throws IOException {
    run(predictions, references, referenceLabelMap, null, output, log);
  }

  /**
   * @param labelled the organs the references label ("liver,spleen"; blank: those the label map
   *     maps to, else all); the others are reported as not labelled
   */
  public static void run(Path predictions, Path references, Path referenceLabelMap, String labelled, Path output, Consumer<String> log)
      throws IOException {
    if (predictions == null || references == null || output == null) {
      throw new BadInputException("Med-VLM Evaluate", "predictions, references and output are required");
    }
    org.medvlm.io.RunOutputs.check(output, true, java.util.Arrays.asList(predictions, references, referenceLabelMap), ".csv");
    LabelMap map = referenceLabelMap == null ? null : LabelMap.read(referenceLabelMap);
    OrganSet covered = OrganSet.labelledBy(labelled, map);
    EvaluationReport report = EvaluationReport.run(predictions, references, null, map, List.of(Organ.values()), covered, Evaluator.DEFAULT_NSD_TOLERANCE_MM);
    AtomicFiles.writeText(output, true, report.toCsv());
    log.accept(report.toTable());
    log.accept("Med-VLM Evaluate: wrote " + output);
  }
}
