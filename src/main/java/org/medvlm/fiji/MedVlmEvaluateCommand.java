package org.medvlm.fiji;

import java.io.File;
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

  @Parameter(persist = false, label = "Label map of the references (optional TSV)", required = false, style = "open")
  private File labelmap;

  @Parameter(persist = false, label = "Organs the references label (optional, e.g. liver; default: all)", required = false)
  private String labelled = "";

  @Parameter(persist = false, label = "Output CSV", style = "save")
  private File output;

  @Override
  public void run() {
    FijiRuns.run(FijiRuns.cancelling(this, log, "Med-VLM Evaluate"), () -> {
      EvaluateAction.run(FijiRuns.path(predictions), FijiRuns.path(references), FijiRuns.path(labelmap), labelled, FijiRuns.path(output), log::info);
    });
  }
}
