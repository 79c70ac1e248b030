package org.medvlm.fiji;

import java.io.File;
import org.medvlm.BadInputException;
import org.medvlm.data.LabelMap;
import org.medvlm.data.Organ;
import org.medvlm.io.AtomicFiles;
import org.medvlm.metrics.EvaluationReport;
import org.medvlm.metrics.Evaluator;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Plugins > Med-VLM > Med-VLM Evaluate: Dice, IoU, HD95, ASSD, surface Dice of predictions against references, as CSV. */
@Plugin(type = Command.class, menuPath = "Plugins>Med-VLM>Med-VLM Evaluate", headless = true)
public class MedVlmEvaluateCommand extends ContextCommand {
  @Parameter private LogService log;

  @Parameter(persist = false, label = "Predictions (NIfTI file or folder)", style = "both")
  private File predictions;

  @Parameter(persist = false, label = "References (NIfTI file or folder, matched by case id)", style = "both")
  private File references;

  @Parameter(persist = false, label = "Label map of the references (optional TSV)", required = false)
  private String labelmap = "";

  @Parameter(persist = false, label = "Output CSV", style = "save")
  private File output;

  @Override
  public void run() {
    FijiRuns.run(this, log, "Med-VLM Evaluate", () -> {
      if (predictions == null || references == null || output == null) throw new BadInputException("Med-VLM Evaluate", "predictions, references and output are required");
      AtomicFiles.checkWritable(output.toPath(), true);
      EvaluationReport report = EvaluationReport.run(predictions.toPath(), references.toPath(), null,
          FijiRuns.path(labelmap) == null ? null : LabelMap.read(FijiRuns.path(labelmap)), java.util.List.of(Organ.values()), Evaluator.DEFAULT_NSD_TOLERANCE_MM);
      AtomicFiles.writeText(output.toPath(), true, report.toCsv());
      log.info(report.toTable());
      log.info("Med-VLM Evaluate: wrote " + output);
    });
  }
}
