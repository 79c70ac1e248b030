package org.medvlm.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.medvlm.train.Trainer;
import org.medvlm.train.TrainingRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;


@Command(name = "train", mixinStandardHelpOptions = true,
    description = {"Train a model on a BTCV- or MSD-layout dataset (split by case).",
        "The output folder holds latest/previous/best checkpoints, curves.csv and model.json.",
        "Stop at any time; --resume continues from the latest checkpoint with the same result.",
        "SIGTERM or Ctrl-C finishes the current step and saves a checkpoint before exiting (Slurm: scripts/slurm/train.sbatch)."})
final class TrainCommand implements Callable<Integer> {
  /** Every option of the run but the data folders and the recipe: one record, also filled by the Fiji dialogs. */
  @picocli.CommandLine.Mixin TrainingRun.Options o;

  /** One --data folder and the --label-map that follows it. */
  static final class DataFolder {
    @Option(names = "--data", required = true, paramLabel = "DIR",
        description = {"Dataset folder (BTCV or MSD layout). Repeat for several folders trained together (e.g. real scans and phantoms),",
            "each followed by its own --label-map if it needs one; case ids must differ between folders."})
    Path dir;

    @Option(names = "--label-map", paramLabel = "TSV",
        description = {"Map the preceding --data folder's label ids to BTCV ids; organs it does not map are unknown there (not background).",
            "An MSD folder's dataset.json does the same; a folder's labelled-organs.tsv (case_id, organs) says it per case."})
    Path labelMap;
  }

  @picocli.CommandLine.ArgGroup(exclusive = false, multiplicity = "1..*")
  java.util.List<DataFolder> data;

  @Option(names = "--recipe", paramLabel = "NAME",
      description = {"few-scans: the recipe measured best for a few real scans on 2 CPU cores (docs/models.md): 3 mm, 128 px, strong",
          "augmentation, cosine schedule; U-Net width 16, lr 3e-3, 40 epochs; Med-VLM lr 3e-4, 20 epochs, absent share 0.2.",
          "Options given explicitly win. Without it, the study's settings."})
  String recipe;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  /** The settings of {@code --recipe} for the options the user did not give. */
  private void applyRecipe() throws org.medvlm.BadInputException {
    if (recipe == null) return;
    if (!recipe.trim().equalsIgnoreCase("few-scans")) throw new org.medvlm.BadInputException("--recipe", "unknown recipe '" + recipe + "' (few-scans)");
    var given = spec.commandLine().getParseResult();
    boolean unet = "unet".equals(o.model);
    if (!given.hasMatchedOption("--size")) o.size = 128;
    if (!given.hasMatchedOption("--spacing")) o.spacing = 3;
    if (!given.hasMatchedOption("--augment")) o.augment = "strong";
    if (!given.hasMatchedOption("--lr-schedule")) o.lrSchedule = "cosine";
    if (!given.hasMatchedOption("--lr")) o.lr = unet ? 3e-3f : 3e-4f;
    if (!given.hasMatchedOption("--epochs")) o.epochs = unet ? 40 : 20;
    if (unet && !given.hasMatchedOption("--width")) o.width = 16;
    if (!unet && !given.hasMatchedOption("--absent-share")) o.absentShare = 0.2f;
  }

  @Override
  public Integer call() throws Exception {
    applyRecipe();
    o.setData(data.stream().map(f -> new org.medvlm.data.Dataset.Source(f.dir, f.labelMap)).toList());
    var err = spec.commandLine().getErr();
    Trainer.Result r;
    try (GracefulStop stop = new GracefulStop(err)) {
      r = TrainingRun.run(o, stop.wrap(new ConsoleProgress(err)), err);
    }
    Path best = r.outputDir().resolve(org.medvlm.checkpoint.CheckpointStore.BEST);
    if (r.bestEpoch() == 0) {
      spec.commandLine().getOut().printf(Locale.ROOT, "no epoch finished; %d trainable parameters; continue with --resume in %s%n", r.parameters(), r.outputDir());
    } else {
      spec.commandLine().getOut().printf(Locale.ROOT, "best epoch %d: mean validation Dice %.4f (3D, original grids); %d trainable parameters; %s%n",
          r.bestEpoch(), r.bestMeanDice(), r.parameters(), java.nio.file.Files.exists(best) ? best : "best checkpoint missing (see the messages above)");
    }
    return Main.OK;
  }
}
