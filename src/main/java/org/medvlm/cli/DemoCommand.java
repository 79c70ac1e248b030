package org.medvlm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.medvlm.data.PhantomGenerator;
import org.medvlm.experiment.ExperimentPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"A first run for new users, on CPU in about 10 minutes on 2 cores: generates 10 phantom CT volumes with all 13 organs,",
        "then runs a reduced experiment (the U-Net and Med-VLM Small at 64 px, 8/2 split) and writes the report into --out (report.html).",
        "Nothing is canned: every figure comes from this run. Rerunning skips what is finished. Med-VLM Large is left out: one of its",
        "training epochs on CPU takes longer than the whole demo (medvlm experiment --models medvlm-large runs it)."})
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--out", defaultValue = "demo-out", paramLabel = "DIR", description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--device", defaultValue = "cpu", paramLabel = "D", description = "cpu, gpu or auto (default: ${DEFAULT-VALUE}).")
  String device;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  /** The reduced protocol: 64 px at 5 mm; U-Net width 16 for 30 epochs at 3e-3; Med-VLM Small 14 epochs at 3e-4. */
  static ExperimentPlan plan(String device) {
    return new ExperimentPlan(List.of("unet", "medvlm-small"), "8/2", 64, 5.0, 30, 14, 3e-3f, 3e-4f, 16, 8, 1, 2, device, false);
  }

  @Override
  public Integer call() throws Exception {
    var err = spec.commandLine().getErr();
    Path data = out.resolve("phantoms");
    if (!Files.isDirectory(data.resolve("label"))) {
      err.println("demo: generating 10 phantom CT volumes in " + data);
      PhantomGenerator.writeDataset(data, 10, 7, 128, true, err::println);
    }
    return ExperimentCommand.run(data, out, plan(device), spec.commandLine().getOut(), err);
  }
}
