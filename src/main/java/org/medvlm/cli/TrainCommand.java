package org.medvlm.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.medvlm.train.Trainer;
import org.medvlm.train.TrainingRun;
import org.medvlm.weights.BuiltinEncoders;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;


@Command(name = "train", mixinStandardHelpOptions = true,
    description = {"Train a model on a BTCV- or MSD-layout dataset (split by case).",
        "The output folder holds latest/previous/best checkpoints, curves.csv and model.json.",
        "Stop at any time; --resume continues from the latest checkpoint with the same result.",
        "SIGTERM or Ctrl-C finishes the current step and saves a checkpoint before exiting (Slurm: scripts/slurm/train.sbatch)."})
final class TrainCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "NAME",
      description = "Model to train: unet, medvlm-small, medvlm-large (medvlm-tiny: a test-size Med-VLM).")
  String model;

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

  @Option(names = "--val-cases", paramLabel = "N", description = "Validation cases (default: 6 of 30, else 20%%).")
  Integer valCases;

  @Option(names = "--split", paramLabel = "FILE|N/M|fold:K/N",
      description = "A file of validation case ids, train/validation counts such as 24/6, or cross-validation fold K (0-based) of N, e.g. fold:0/5.")
  String split;

  @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: runs/MODEL).")
  Path out;

  @Option(names = "--resume", description = "Continue the run in --out from its latest checkpoint.")
  boolean resume;

  @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: 50 for the U-Net, 10 for Med-VLM, as the study).")
  Integer epochs;

  @Option(names = "--batch", defaultValue = "8", paramLabel = "N", description = "Slices per step (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--lr", defaultValue = "1e-4", paramLabel = "LR", description = "AdamW learning rate (default: ${DEFAULT-VALUE}).")
  float lr;

  @Option(names = "--weight-decay", defaultValue = "1e-4", paramLabel = "W", description = "AdamW weight decay (default: ${DEFAULT-VALUE}).")
  float weightDecay;

  @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--organs", defaultValue = "all", paramLabel = "LIST", description = "Organs to learn (default: all 13).")
  String organs;

  @Option(names = "--size", defaultValue = "224", paramLabel = "PX", description = "Model input size (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(names = "--spacing", defaultValue = "1.5", paramLabel = "MM", description = "In-plane spacing in mm, 0 = native (default: ${DEFAULT-VALUE}).")
  double spacing;

  @Option(names = "--context", defaultValue = "1", paramLabel = "N", description = "Slices stacked as channels (odd; 1 = 2D).")
  int context;

  @Option(names = "--width", defaultValue = "33", paramLabel = "C", description = "U-Net channels of the first level (default: ${DEFAULT-VALUE}: 7.70 M parameters, as the study's U-Net).")
  int width;

  @Option(names = "--depth", defaultValue = "4", paramLabel = "N", description = "U-Net down-samplings (default: ${DEFAULT-VALUE}).")
  int depth;

  @Option(names = "--augment", defaultValue = "safe", paramLabel = "SET",
      description = {"Augmentations: safe (intensity shift/scale, noise; default), pose (safe plus rotations up to 10 degrees,",
          "zooms up to 10%% and shifts up to 6%% of the side, on 70%% of the slices), strong (of nnU-Net's strength without mirroring:",
          "rotations up to 20 degrees, zooms up to 30%%, shifts up to 8%% on 80%% of the slices, gamma, blur, simulated low resolution),",
          "study (also left-right and anterior-posterior flips and 90 degree turns, as the study), none."})
  String augment;

  @Option(names = "--rare-repeats", defaultValue = "1", paramLabel = "N",
      description = "Show slices with a rare organ (fewer voxels than the median organ) up to N times per epoch, the rarer the more (default: ${DEFAULT-VALUE}).")
  int rareRepeats;

  @Option(names = "--rare-weight", defaultValue = "1", paramLabel = "W",
      description = "Weigh a rare organ's pixels in the cross-entropy by sqrt(median organ voxels / its voxels), at most W (default: ${DEFAULT-VALUE} = unweighted).")
  float rareWeight;

  @Option(names = "--lr-schedule", defaultValue = "constant", paramLabel = "S",
      description = {"Learning rate over the run: constant (default); cosine (linear warm-up over the first 5%% of steps, then a half",
          "cosine to zero); wsd (the same warm-up, the full rate, then a straight line to zero over the last 25%% of steps)."})
  String lrSchedule;

  @Option(names = "--image-weights", paramLabel = "DIR|FILE", description = "Med-VLM: pretrained timm ViT weights (model.safetensors or pytorch_model.bin).")
  Path imageWeights;

  @Option(names = "--text-weights", paramLabel = "DIR|FILE",
      description = "Med-VLM: pretrained BERT folder (weights, config.json, tokenizer.json or vocab.txt), builtin:all-MiniLM-L6-v2, or random. "
          + "Default for medvlm-small: builtin:all-MiniLM-L6-v2 (bundled, nothing to download); random for the others.")
  String textWeights;

  @Option(names = "--lenient", description = "Med-VLM: load pretrained weights that do not fully fit (missing, unexpected or misshapen keys are skipped and listed) instead of failing.")
  boolean lenient;

  @Option(names = "--train-encoders", description = "Med-VLM: train the encoders fully instead of freezing them under LoRA (for random encoders).")
  boolean trainEncoders;

  @Option(names = "--absent-share", defaultValue = "0.25", paramLabel = "P",
      description = "Med-VLM: chance that a slice is also paired with each organ it does not show, as a negative (default: ${DEFAULT-VALUE}).")
  float absentShare;

  @Option(names = "--prompts", paramLabel = "TSV", description = "Med-VLM: more organ phrasings to train with (format of prompts/btcv-organs.tsv).")
  Path promptFile;

  @Option(names = "--max-tokens", defaultValue = "64", paramLabel = "N", description = "Med-VLM: longest prompt in tokens; longer ones are truncated with a warning (default: ${DEFAULT-VALUE}).")
  int maxTokens;

  @Option(names = "--device", defaultValue = "auto", paramLabel = "D", description = "cpu, gpu, a GPU index or auto (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--recipe", paramLabel = "NAME",
      description = {"few-scans: the recipe measured best for a few real scans on 2 CPU cores (docs/models.md): 3 mm, 128 px, strong",
          "augmentation, cosine schedule; U-Net width 16, lr 3e-3, 40 epochs; Med-VLM lr 3e-4, 20 epochs, absent share 0.2.",
          "Options given explicitly win. Without it, the study's settings."})
  String recipe;

  @Option(names = "--devices", paramLabel = "LIST",
      description = "Data-parallel training on several GPUs of this machine, e.g. 0,1,2,3: --batch is the global batch, split evenly; same learning rate (docs/cluster.md).")
  String devices;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  /** The settings of {@code --recipe} for the options the user did not give. */
  private void applyRecipe() throws org.medvlm.BadInputException {
    if (recipe == null) return;
    if (!recipe.trim().equalsIgnoreCase("few-scans")) throw new org.medvlm.BadInputException("--recipe", "unknown recipe '" + recipe + "' (few-scans)");
    var given = spec.commandLine().getParseResult();
    boolean unet = "unet".equals(model);
    if (!given.hasMatchedOption("--size")) size = 128;
    if (!given.hasMatchedOption("--spacing")) spacing = 3;
    if (!given.hasMatchedOption("--augment")) augment = "strong";
    if (!given.hasMatchedOption("--lr-schedule")) lrSchedule = "cosine";
    if (!given.hasMatchedOption("--lr")) lr = unet ? 3e-3f : 3e-4f;
    if (!given.hasMatchedOption("--epochs")) epochs = unet ? 40 : 20;
    if (unet && !given.hasMatchedOption("--width")) width = 16;
    if (!unet && !given.hasMatchedOption("--absent-share")) absentShare = 0.2f;
  }

  @Override
  public Integer call() throws Exception {
    applyRecipe();
    TrainingRun.Options o = new TrainingRun.Options();
    o.model = model;
    o.data = data.get(0).dir;
    o.labelMap = data.get(0).labelMap;
    for (DataFolder f : data.subList(1, data.size())) o.moreData.add(new org.medvlm.data.Dataset.Source(f.dir, f.labelMap));
    o.valCases = valCases;
    o.split = split;
    o.out = out;
    o.resume = resume;
    o.epochs = epochs;
    o.batch = batch;
    o.lr = lr;
    o.weightDecay = weightDecay;
    o.seed = seed;
    o.organs = organs;
    o.size = size;
    o.spacing = spacing;
    o.context = context;
    o.width = width;
    o.depth = depth;
    o.augment = augment;
    o.rareRepeats = rareRepeats;
    o.rareWeight = rareWeight;
    o.lrSchedule = lrSchedule;
    o.imageWeights = imageWeights;
    if (BuiltinEncoders.RANDOM.equalsIgnoreCase(String.valueOf(textWeights).trim())) o.randomText = true;
    else if (textWeights != null) o.textWeights = BuiltinEncoders.resolve(textWeights);
    o.lenient = lenient;
    o.trainEncoders = trainEncoders;
    o.absentShare = absentShare;
    o.promptFile = promptFile;
    o.maxTokens = maxTokens;
    o.device = device;
    o.devices = devices;
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
