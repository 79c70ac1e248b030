package org.medvlm.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.medvlm.BadInputException;
import org.medvlm.experiment.ExperimentPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"A first run for new users, on CPU in about 8 minutes on 2 cores: generates 6 phantom CT volumes with all 13 organs,",
        "lays out the repository's two real patients (src/test/resources/real-ct), trains the U-Net and Med-VLM Small at reduced size on the",
        "phantoms and real patient A, validates on real patient B (another scanner, never seen in training), and writes the report with",
        "its overlays on B's CT into --out (report.html). Nothing is canned: every figure comes from this run. Rerunning skips what is",
        "finished. Med-VLM Large is left out: one of its training epochs on CPU takes longer than the whole demo."})
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--out", defaultValue = "demo-out", paramLabel = "DIR", description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--device", defaultValue = "cpu", paramLabel = "D", description = "cpu, gpu or auto (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--real", paramLabel = "DIR",
      description = "The real CT folder (default: the repository's src/test/resources/real-ct, found beside the jar's target/ or in the working folder).")
  Path real;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  /** The reduced protocol: 64 px at 5 mm, strong augmentation, cosine schedule; U-Net width 16 for 20 epochs at 3e-3; Med-VLM Small 6 epochs at 3e-4 (about 40 s each on 2 cores with MiniLM). */
  static ExperimentPlan plan(String device, Path split) {
    return new ExperimentPlan(List.of("unet", "medvlm-small"), split.toString(), 64, 5.0, 20, 6, 3e-3f, 3e-4f, 16, 8, 1, 2, device, false, "strong", "cosine");
  }

  @Override
  public Integer call() throws Exception {
    var err = spec.commandLine().getErr();
    Path realCt = real != null ? real : DemoData.locateRepositoryCopy();
    if (realCt == null) {
      throw new BadInputException("--real", "the repository's real CT (" + DemoData.REPOSITORY_COPY + ") is not beside this jar nor in the working folder; give --real DIR");
    }
    DemoData.Prepared data = DemoData.prepare(out, realCt, 6, err::println);
    return ExperimentCommand.run(data.sources(), out, plan(device, data.split()), spec.commandLine().getOut(), err);
  }
}
