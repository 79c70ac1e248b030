package org.medvlm.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.medvlm.infer.Shards;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "merge-volumes", mixinStandardHelpOptions = true,
    description = {"Join the organ-volume tables of a sharded batch segmentation (segment --shard I/N, one per array task)",
        "into one volumes.csv; fails, writing nothing, while a shard is missing or a label file has no rows."})
final class MergeVolumesCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DIR", description = "The --out folder of the array's segment tasks.")
  Path dir;

  @Option(names = "--out", paramLabel = "CSV", description = "Merged table (default: DIR/volumes.csv).")
  Path out;

  @Option(names = "--input", paramLabel = "IN", description = "The segmented folder: also check that every one of its cases has rows.")
  Path input;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Shards.Merged m = Shards.merge(dir, out != null ? out : dir.resolve("volumes.csv"), input);
    spec.commandLine().getOut().printf("merged %d shard tables: %d cases, %d rows into %s%n", m.shards(), m.cases(), m.rows(), m.file());
    return Main.OK;
  }
}
