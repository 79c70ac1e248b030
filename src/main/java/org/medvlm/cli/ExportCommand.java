package org.medvlm.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.medvlm.io.AtomicFiles;
import org.medvlm.io.RunOutputs;
import org.medvlm.checkpoint.Checkpoint;
import org.medvlm.checkpoint.CheckpointStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "export", mixinStandardHelpOptions = true,
    description = {"Write a trained model as a checkpoint for sharing: the weights and what running them needs, without the",
        "optimiser state that only resuming training uses (a third of the size). It segments exactly as the original; it cannot be resumed."})
final class ExportCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "CKPT", description = "Checkpoint file, or a training folder (its best checkpoint).")
  Path model;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "The .ckpt file to write.")
  Path out;

  @Option(names = "--overwrite", description = "Replace an existing --out.")
  boolean overwrite;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    RunOutputs.check(out, overwrite, List.of(model), ".ckpt");
    CheckpointStore.Loaded loaded = CheckpointStore.open(model);
    Checkpoint c = loaded.disk().requireModel().read();
    com.google.gson.JsonObject meta = c.meta().deepCopy();
    meta.addProperty("exported_from", loaded.file().toAbsolutePath().toString());
    Checkpoint shared = new Checkpoint(meta, c.weights(), new byte[0]);
    AtomicFiles.write(out, overwrite, shared::writeTo);
    spec.commandLine().getOut().printf("wrote %s (%s model, weights only)%n", out, c.modelType());
    return Main.OK;
  }
}
