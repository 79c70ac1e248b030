package org.medvlm.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.medvlm.data.PhantomGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "phantom", mixinStandardHelpOptions = true,
    description = {"Write a synthetic BTCV-layout dataset (img/imgNNNN.nii.gz, label/labelNNNN.nii.gz) with all 13 organs.",
        "At --size 512 the grids match BTCV; smaller sizes keep the field of view. Same seed, same bytes."})
final class PhantomCommand implements Callable<Integer> {
  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (created if needed).")
  Path out;

  @Option(names = "--cases", defaultValue = "30", paramLabel = "N", description = "Number of cases (default: ${DEFAULT-VALUE}).")
  int cases;

  @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--size", defaultValue = "512", paramLabel = "PX", description = "In-plane size in voxels, 32 to 1024 (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(names = "--overwrite", description = "Replace existing case files.")
  boolean overwrite;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    var err = spec.commandLine().getErr();
    PhantomGenerator.writeDataset(out, cases, seed, size, overwrite, err::println);
    spec.commandLine().getOut().println("wrote " + cases + " cases to " + out);
    return Main.OK;
  }
}
