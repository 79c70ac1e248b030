package org.medvlm.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.medvlm.BadInputException;
import org.medvlm.data.Dataset;
import org.medvlm.experiment.Experiment;
import org.medvlm.experiment.ExperimentPlan;
import org.medvlm.experiment.ModelResult;
import org.medvlm.experiment.ReportWriter;
import org.medvlm.model.vlm.MedVlmConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "experiment", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"The study's protocol on a BTCV-layout dataset: train each model with the same split and preprocessing, evaluate on the",
        "validation volumes' original grids, and write report.md, report.html, results.json and figures/ into --out.",
        "Resumable: finished models are skipped, an interrupted one resumes from its checkpoints."})
final class ExperimentCommand implements Callable<Integer> {
  @Option(names = "--data", required = true, paramLabel = "DIR", description = "Dataset folder (BTCV or MSD layout): real BTCV or phantoms.")
  Path data;

  @Option(names = "--label-map", paramLabel = "TSV", description = "The dataset's label ids to BTCV ids (as train --label-map), e.g. for TotalSegmentator labels.")
  Path labelMap;

  @Option(names = "--models", defaultValue = "medvlm-large,medvlm-small,unet", paramLabel = "LIST", description = "Models in order (default: ${DEFAULT-VALUE}).")
  String models;

  @Option(names = "--split", defaultValue = "24/6", paramLabel = "N/M|FILE", description = "Train/validation counts or a file of validation case ids (default: ${DEFAULT-VALUE}, as the study).")
  String split;

  @Option(names = "--out", defaultValue = "experiment-out", paramLabel = "DIR", description = "Report folder (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--size", defaultValue = "224", paramLabel = "PX", description = "Input size for all models (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(names = "--spacing", defaultValue = "1.5", paramLabel = "MM", description = "In-plane spacing for all models (default: ${DEFAULT-VALUE}).")
  double spacing;

  @Option(names = "--unet-epochs", paramLabel = "N", description = "U-Net epochs (default: 50, as the study).")
  Integer unetEpochs;

  @Option(names = "--medvlm-epochs", paramLabel = "N", description = "Med-VLM epochs (default: 10, as the study).")
  Integer medvlmEpochs;

  @Option(names = "--unet-lr", paramLabel = "LR", description = "U-Net learning rate (default: 1e-4).")
  Float unetLr;

  @Option(names = "--medvlm-lr", paramLabel = "LR", description = "Med-VLM learning rate (default: 1e-4).")
  Float medvlmLr;

  @Option(names = "--unet-width", defaultValue = "33", paramLabel = "C", description = "U-Net width (default: ${DEFAULT-VALUE}: 7.70 M parameters).")
  int unetWidth;

  @Option(names = "--batch", defaultValue = "8", paramLabel = "N", description = "Slices per step (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed of split and training (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--train-eval-cases", defaultValue = "4", paramLabel = "N", description = "Training volumes also scored for the train Dice column (default: ${DEFAULT-VALUE}).")
  int trainEvalCases;

  @Option(names = "--train-encoders", description = "Med-VLM: train the (random) encoders fully.")
  boolean trainEncoders;

  @Option(names = "--augment", defaultValue = "safe", paramLabel = "SET", description = "Augmentation of every model, as train --augment (default: ${DEFAULT-VALUE}).")
  String augment;

  @Option(names = "--lr-schedule", defaultValue = "constant", paramLabel = "S", description = "Learning-rate schedule of every model, as train --lr-schedule (default: ${DEFAULT-VALUE}).")
  String lrSchedule;

  @Option(names = "--device", defaultValue = "auto", paramLabel = "D", description = "cpu, gpu or auto (default: ${DEFAULT-VALUE}).")
  String device;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    List<String> list = Arrays.stream(models.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    for (String m : list) {
      if (!m.equals("unet") && !MedVlmConfig.VARIANTS.contains(m)) {
        throw new BadInputException("--models", "unknown model '" + m + "' (available: unet, " + String.join(", ", MedVlmConfig.VARIANTS) + ")");
      }
    }
    if (list.isEmpty()) throw new BadInputException("--models", "no model given");
    ExperimentPlan plan = new ExperimentPlan(list, split, size, spacing, unetEpochs, medvlmEpochs, unetLr, medvlmLr, unetWidth, batch, seed, trainEvalCases,
        device, trainEncoders, augment, lrSchedule);
    return run(List.of(new Dataset.Source(data, labelMap)), out, plan, spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  static int run(List<Dataset.Source> data, Path out, ExperimentPlan plan, java.io.PrintWriter stdout, java.io.PrintWriter err) throws Exception {
    long t0 = System.nanoTime();
    List<ModelResult> results = Experiment.run(data, out, plan, new ConsoleProgress(err), err);
    ReportWriter.write(out, data, plan, results, org.medvlm.device.Devices.parse(plan.device()).toString());
    stdout.printf(Locale.ROOT, "%-14s %10s %10s %12s %10s%n", "model", "train", "validation", "val 13 org.", "time");
    for (ModelResult r : results) {
      stdout.printf(Locale.ROOT, "%-14s %10.3f %10.3f %12.3f %9.0fs%n", r.model(), ModelResult.spleenLiver(r.trainDice()), ModelResult.spleenLiver(r.valDice()),
          ModelResult.mean(r.valDice()), r.trainSeconds());
    }
    stdout.printf(Locale.ROOT, "(Dice, mean of spleen and liver unless noted; 3D on original grids) report: %s (%.0f s)%n", out.resolve("report.html"),
        (System.nanoTime() - t0) / 1e9);
    return Main.OK;
  }
}
