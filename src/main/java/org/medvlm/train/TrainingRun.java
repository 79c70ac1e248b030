package org.medvlm.train;

import ai.djl.Device;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.medvlm.BadInputException;
import org.medvlm.data.Dataset;
import org.medvlm.data.Organ;
import org.medvlm.data.PromptLibrary;
import org.medvlm.data.Split;
import org.medvlm.device.Devices;
import org.medvlm.io.AtomicFiles;
import org.medvlm.model.UNetConfig;
import org.medvlm.model.vlm.MedVlmConfig;
import org.medvlm.model.vlm.ParameterCount;
import org.medvlm.preprocess.AugmentConfig;
import org.medvlm.preprocess.PreprocessConfig;
import org.medvlm.weights.BuiltinEncoders;
import picocli.CommandLine.Option;

/**
 * One training run as the user asked for it: every option with the study's defaults, checked,
 * turned into a task, a split and a config, trained by {@link Trainer}, and summarised in
 * {@code model.json}. The command line and the Fiji commands fill in {@link Options} and call
 * {@link #run}.
 */
public final class TrainingRun {
  /**
   * The options of a training run, once for every front end: {@code medvlm train} takes them as a
   * picocli mixin (the option names below), the Fiji dialogs set the fields they show; the
   * defaults are the fields' initial values; {@link #run} checks them all.
   */
  public static final class Options {
    @Option(names = "--model", required = true, paramLabel = "NAME",
        description = "Model to train: unet, medvlm-small, medvlm-large (medvlm-tiny: a test-size Med-VLM).")
    public String model;
    /** The first dataset folder and its label map (the command line: the first --data and its --label-map). */
    public Path data;
    public Path labelMap;
    /** More dataset folders, each with its own label map (null: BTCV ids or its dataset.json), trained with {@link #data}. */
    public List<Dataset.Source> moreData = new java.util.ArrayList<>();

    /** The options every front end sets (the Fiji dialogs, an experiment plan); the rest keep their defaults. */
    public static Options of(String model, List<Dataset.Source> data, Integer epochs, int size, Path out, String device) {
      Options o = new Options();
      o.model = model;
      o.setData(data);
      o.epochs = epochs;
      o.size = size;
      o.out = out;
      o.device = device;
      return o;
    }

    /** The dataset folders in order: the first is {@link #data} and {@link #labelMap}, the rest {@link #moreData}. */
    public void setData(List<Dataset.Source> folders) {
      data = folders.get(0).dir();
      labelMap = folders.get(0).labelMap();
      moreData = new java.util.ArrayList<>(folders.subList(1, folders.size()));
    }
    @Option(names = "--val-cases", paramLabel = "N", description = "Validation cases (default: 6 of 30, else 20%%).")
    public Integer valCases;
    @Option(names = "--split", paramLabel = "FILE|N/M|fold:K/N",
        description = "A file of validation case ids, train/validation counts such as 24/6, or cross-validation fold K (0-based) of N, e.g. fold:0/5.")
    public String split;
    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: runs/MODEL).")
    public Path out;
    @Option(names = "--resume", description = "Continue the run in --out from its latest checkpoint.")
    public boolean resume;
    @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: 50 for the U-Net, 10 for Med-VLM, as the study).")
    public Integer epochs;
    @Option(names = "--batch", paramLabel = "N", description = "Slices per step (default: ${DEFAULT-VALUE}).")
    public int batch = 8;
    @Option(names = "--lr", paramLabel = "LR", description = "AdamW learning rate (default: ${DEFAULT-VALUE}).")
    public float lr = 1e-4f;
    @Option(names = "--weight-decay", paramLabel = "W", description = "AdamW weight decay (default: ${DEFAULT-VALUE}).")
    public float weightDecay = 1e-4f;
    @Option(names = "--seed", paramLabel = "S", description = "Random seed (default: ${DEFAULT-VALUE}).")
    public long seed = 1;
    @Option(names = "--organs", paramLabel = "LIST", description = "Organs to learn (default: all 13).")
    public String organs = "all";
    @Option(names = "--size", paramLabel = "PX", description = "Model input size (default: ${DEFAULT-VALUE}).")
    public int size = 224;
    @Option(names = "--spacing", paramLabel = "MM", description = "In-plane spacing in mm, 0 = native (default: ${DEFAULT-VALUE}).")
    public double spacing = 1.5;
    @Option(names = "--context", paramLabel = "N", description = "Slices stacked as channels (odd; 1 = 2D).")
    public int context = 1;
    @Option(names = "--width", paramLabel = "C", description = "U-Net channels of the first level (default: ${DEFAULT-VALUE}: 7.70 M parameters, as the study's U-Net).")
    public int width = 33;
    @Option(names = "--depth", paramLabel = "N", description = "U-Net down-samplings (default: ${DEFAULT-VALUE}).")
    public int depth = 4;
    @Option(names = "--augment", paramLabel = "SET",
        description = {"Augmentations: safe (intensity shift/scale, noise; default), pose (safe plus rotations up to 10 degrees,",
            "zooms up to 10%% and shifts up to 6%% of the side, on 70%% of the slices), strong (of nnU-Net's strength without mirroring:",
            "rotations up to 20 degrees, zooms up to 30%%, shifts up to 8%% on 80%% of the slices, gamma, blur, simulated low resolution),",
            "study (also left-right and anterior-posterior flips and 90 degree turns, as the study), none."})
    public String augment = "safe";
    @Option(names = "--rare-repeats", paramLabel = "N",
        description = "Show slices with a rare organ (fewer voxels than the median organ) up to N times per epoch, the rarer the more (default: ${DEFAULT-VALUE}).")
    public int rareRepeats = 1;
    @Option(names = "--rare-weight", paramLabel = "W",
        description = "Weigh a rare organ's pixels in the cross-entropy by sqrt(median organ voxels / its voxels), at most W (default: ${DEFAULT-VALUE} = unweighted).")
    public float rareWeight = 1;
    @Option(names = "--lr-schedule", paramLabel = "S",
        description = {"Learning rate over the run: constant (default); cosine (linear warm-up over the first 5%% of steps, then a half",
            "cosine to zero); wsd (the same warm-up, the full rate, then a straight line to zero over the last 25%% of steps)."})
    public String lrSchedule = "constant";
    @Option(names = "--image-weights", paramLabel = "DIR|FILE", description = "Med-VLM: pretrained timm ViT weights (model.safetensors or pytorch_model.bin).")
    public Path imageWeights;
    /** The text encoder as given: a folder or file, {@code builtin:NAME}, or {@code random}; resolved by {@link #run}. */
    @Option(names = "--text-weights", paramLabel = "DIR|FILE",
        description = "Med-VLM: pretrained BERT folder (weights, config.json, tokenizer.json or vocab.txt), builtin:all-MiniLM-L6-v2, or random. "
            + "Default for medvlm-small: builtin:all-MiniLM-L6-v2 (bundled, nothing to download); random for the others.")
    public String textWeightsSpec;
    /** The text encoder's weights, from {@link #textWeightsSpec} or the variant's default. */
    public Path textWeights;
    /** No pretrained text encoder even where one is built in ({@code --text-weights random}). */
    public boolean randomText;
    @Option(names = "--lenient", description = "Med-VLM: load pretrained weights that do not fully fit (missing, unexpected or misshapen keys are skipped and listed) instead of failing.")
    public boolean lenient;
    @Option(names = "--train-encoders", description = "Med-VLM: train the encoders fully instead of freezing them under LoRA (for random encoders).")
    public boolean trainEncoders;
    @Option(names = "--absent-share", paramLabel = "P",
        description = "Med-VLM: chance that a slice is also paired with each organ it does not show, as a negative (default: ${DEFAULT-VALUE}).")
    public float absentShare = 0.25f;
    @Option(names = "--prompt-word-dropout", paramLabel = "P",
        description = "Med-VLM: chance that each word of a training phrasing is left out, so the model reads a description as a whole (default: ${DEFAULT-VALUE}).")
    public float promptWordDropout = 0f;
    @Option(names = "--prompt-loss-weight", paramLabel = "W",
        description = "Med-VLM: weight of the auxiliary loss that names the organ of each training phrasing from its text vector; 0 = off (default: ${DEFAULT-VALUE}).")
    public float promptLossWeight = MedVlmTask.DEFAULT_PROMPT_LOSS_WEIGHT;
    @Option(names = "--freeze-text-encoder", description = "Med-VLM: keep the pretrained text encoder exactly as it is (no LoRA training on the text side).")
    public boolean freezeTextEncoder;
    @Option(names = "--prompts", paramLabel = "TSV", description = "Med-VLM: more organ phrasings to train with (format of prompts/btcv-organs.tsv).")
    public Path promptFile;
    @Option(names = "--max-tokens", paramLabel = "N", description = "Med-VLM: longest prompt in tokens; longer ones are truncated with a warning (default: ${DEFAULT-VALUE}).")
    public int maxTokens = 64;
    @Option(names = "--device", paramLabel = "D", description = "cpu, gpu, a GPU index or auto (default: ${DEFAULT-VALUE}).")
    public String device = "auto";
    /** Data-parallel training devices ({@code 0,1}); null: the one {@link #device}. */
    @Option(names = "--devices", paramLabel = "LIST",
        description = "Data-parallel training on several GPUs of this machine, e.g. 0,1,2,3: --batch is the global batch, split evenly; same learning rate (docs/cluster.md).")
    public String devices;
  }

  private TrainingRun() {}

  /**
   * Trains as the options say; progress and messages go to {@code listener}, warnings to
   * {@code err}. The output folder ends up with checkpoints, curves and {@code model.json}.
   */
  public static Trainer.Result run(Options o, TrainingListener listener, PrintWriter err) throws IOException {
    if (o.textWeightsSpec != null && !o.textWeightsSpec.isBlank()) {
      if (o.textWeightsSpec.trim().equalsIgnoreCase(BuiltinEncoders.RANDOM)) o.randomText = true;
      else o.textWeights = BuiltinEncoders.resolve(o.textWeightsSpec);
    }
    boolean vlm = MedVlmConfig.VARIANTS.contains(o.model);
    if (!UNetTask.TYPE.equals(o.model) && !vlm) {
      throw new BadInputException("{model}", "unknown model '" + o.model + "' (available: unet, " + String.join(", ", MedVlmConfig.VARIANTS) + ")");
    }
    if (o.data == null) throw new BadInputException("{data}", "a dataset folder is required");
    if (!vlm && (o.imageWeights != null || o.textWeights != null || o.trainEncoders || o.promptFile != null || o.lenient)) {
      throw new BadInputException("{model}", "{image-weights}, {text-weights}, {lenient}, {train-encoders} and {prompts} are Med-VLM options");
    }
    int epochCount = o.epochs != null ? o.epochs : vlm ? 10 : 50;
    Path out = o.out != null ? o.out : Path.of("runs", o.model);
    if (o.split != null && o.valCases != null) throw new BadInputException("{split}", "give {split} or {val-cases}, not both");
    List<Organ> organList = Organ.parseList(o.organs);
    if (o.devices != null && !o.devices.isBlank() && !"auto".equalsIgnoreCase(o.device.trim())) {
      throw new BadInputException("{devices}", "give {device} or {devices}, not both");
    }
    List<Device> devs = Devices.parseList(o.devices, o.device);
    Dataset dataset = Dataset.open(sources(o));
    String splitSpec = o.split;
    if (o.valCases != null) {
      int n = dataset.cases().size();
      if (o.valCases < 1 || o.valCases >= n) {
        throw new BadInputException("{val-cases}", o.valCases + " validation case(s) leave no training case of the " + n + " in " + o.data + " (give 1 to " + (n - 1) + ")");
      }
      splitSpec = (n - o.valCases) + "/" + o.valCases;
    }
    Split sp = Split.of(dataset.cases(), splitSpec, o.seed);
    double inPlane = o.spacing > 0 ? o.spacing : Double.NaN;
    PreprocessConfig pre;
    UNetConfig net;
    try {
      pre = PreprocessConfig.defaults().withSize(o.size).withSpacing(new double[] {inPlane, inPlane, Double.NaN}).withContextSlices(o.context);
      net = vlm ? null : new UNetConfig(o.context, organList.size() + 1, o.width, o.depth);
      if (!vlm && o.size % (1 << o.depth) != 0) throw new IllegalArgumentException("{size} " + o.size + " must be divisible by 2^depth = " + (1 << o.depth));
      if (vlm && o.size % 16 != 0) throw new IllegalArgumentException("{size} " + o.size + " must be a multiple of the ViT's 16-pixel patches");
      if (vlm && o.context != 1 && o.context != 3) throw new IllegalArgumentException("Med-VLM takes {context} 1 or 3 (the ViT's three channels)");
    } catch (IllegalArgumentException e) {
      throw new BadInputException("{size}/{width}/{depth}/{context}", e.getMessage());
    }
    AugmentConfig aug;
    try {
      aug = AugmentConfig.named(o.augment);
    } catch (IllegalArgumentException e) {
      throw new BadInputException("{augment}", e.getMessage());
    }
    if (epochCount < 1) throw new BadInputException("{epochs}", "must be at least 1");
    if (o.batch < 1) throw new BadInputException("{batch}", "must be at least 1");
    if (o.rareRepeats < 1) throw new BadInputException("{rare-repeats}", "must be at least 1");
    if (!(o.rareWeight >= 1)) throw new BadInputException("{rare-weight}", "must be at least 1");
    if (!(o.absentShare >= 0 && o.absentShare <= 1)) throw new BadInputException("{absent-share}", "must be between 0 and 1");
    if (!(o.promptWordDropout >= 0 && o.promptWordDropout < 1)) throw new BadInputException("{prompt-word-dropout}", "must be at least 0 and below 1");
    if (!MedVlmTask.isPromptLossWeight(o.promptLossWeight)) throw new BadInputException("{prompt-loss-weight}", "must be a finite number of at least 0");
    LearningRateSchedule schedule;
    try {
      schedule = LearningRateSchedule.named(o.lrSchedule);
    } catch (IllegalArgumentException e) {
      throw new BadInputException("{lr-schedule}", e.getMessage());
    }
    TrainConfig cfg = new TrainConfig(epochCount, o.batch, o.lr, o.weightDecay, o.seed, organList, pre, aug, o.rareRepeats, o.rareWeight, schedule);
    SegmentationTask task = vlm ? medVlmTask(o, organList, err) : new UNetTask(net, organList, o.size);
    if (o.batch < devs.size()) throw new BadInputException("{batch}", o.batch + " is smaller than the " + devs.size() + " devices it is split over");
    err.printf(Locale.ROOT, "training %s on %d cases (validation %d); output %s%n", o.model, sp.train().size(), sp.validation().size(), out);
    err.println("device: " + Devices.describe(devs) + (devs.size() > 1
        ? String.format(Locale.ROOT, "; data-parallel, each step's batch of %d split %s", o.batch, java.util.Arrays.stream(Replicas.shardSizes(o.batch, devs.size())).mapToObj(Integer::toString).collect(java.util.stream.Collectors.joining("+"))) : ""));
    Trainer.Result r = new Trainer(task, cfg, out, devs, listener).run(dataset, sp, o.resume);
    writeCard(o, out, r, cfg, sp, ParameterCount.of(task.block()));
    return r;
  }

  /** {@link Options#data} with its label map, then {@link Options#moreData}. */
  static List<Dataset.Source> sources(Options o) {
    List<Dataset.Source> all = new java.util.ArrayList<>();
    all.add(new Dataset.Source(o.data, o.labelMap));
    if (o.moreData != null) all.addAll(o.moreData);
    return all;
  }

  private static MedVlmTask medVlmTask(Options o, List<Organ> organList, PrintWriter err) throws IOException {
    if (o.maxTokens < 8 || o.maxTokens > 512) throw new BadInputException("{max-tokens}", "must be 8 to 512");
    PromptLibrary prompts = PromptLibrary.builtIn();
    if (o.promptFile != null) prompts = prompts.plus(PromptLibrary.read(o.promptFile));
    if (o.textWeights == null && !o.randomText && MedVlmConfig.SMALL.equals(o.model)) {
      o.textWeights = BuiltinEncoders.folder(BuiltinEncoders.MINILM);
      err.println("text encoder: " + BuiltinEncoders.MINILM + " (pretrained, bundled; --text-weights random for none)");
    }
    if (o.freezeTextEncoder && o.textWeights == null) throw new BadInputException("{freeze-text-encoder}", "needs a pretrained text encoder (--text-weights), not a random one");
    if (o.imageWeights == null || o.textWeights == null) {
      boolean none = o.imageWeights == null && o.textWeights == null;
      String which = none ? "the ViT and BERT encoders start" : o.imageWeights == null ? "the ViT encoder starts" : "the BERT encoder starts";
      err.println("warning: no pretrained encoder weights given (--image-weights, --text-weights): " + which + " random"
          + (o.trainEncoders ? (none ? " and are" : " and is") + " trained fully (--train-encoders)"
              : (none ? " and stay" : " and stays") + " frozen under LoRA, which limits what the model can learn; add --train-encoders to train " + (none ? "them" : "it")));
    }
    MedVlmTask task;
    try {
      task = o.imageWeights == null && o.textWeights == null
          ? MedVlmTask.withPromptVocabulary(o.model, o.size, o.context, organList, prompts, o.maxTokens, o.absentShare, o.trainEncoders)
          : MedVlmTask.withPretrained(o.model, o.size, o.context, organList, prompts, o.maxTokens, o.absentShare, o.trainEncoders,
              new MedVlmTask.Pretrained(o.imageWeights, o.textWeights, o.lenient));
    } catch (IllegalArgumentException e) {
      throw new BadInputException("{model}", e.getMessage());
    }
    task.onWarning(m -> err.println("warning: " + m));
    task.dropPromptWords(o.promptWordDropout);
    task.weighPromptLoss(o.promptLossWeight);
    task.freezeTextEncoder(o.freezeTextEncoder);
    return task;
  }

  private static void writeCard(Options o, Path out, Trainer.Result r, TrainConfig cfg, Split sp, ParameterCount count) throws IOException {
    JsonObject card = new JsonObject();
    card.addProperty("model", o.model);
    card.addProperty("data", o.data.toAbsolutePath().toString());
    com.google.gson.JsonArray folders = new com.google.gson.JsonArray();
    for (Dataset.Source src : sources(o)) {
      JsonObject f = new JsonObject();
      f.addProperty("folder", src.dir().toAbsolutePath().toString());
      if (src.labelMap() != null) f.addProperty("label_map", src.labelMap().toAbsolutePath().toString());
      folders.add(f);
    }
    card.add("data_folders", folders);
    card.add("train_cases", new GsonBuilder().create().toJsonTree(sp.train().stream().map(Dataset.Case::id).toList()));
    card.add("validation_cases", new GsonBuilder().create().toJsonTree(sp.validation().stream().map(Dataset.Case::id).toList()));
    card.addProperty("trainable_parameters", r.parameters());
    card.addProperty("frozen_parameters", count.frozen());
    card.addProperty("total_parameters", count.total());
    if (o.imageWeights != null) card.addProperty("image_weights", o.imageWeights.toAbsolutePath().toString());
    if (o.textWeights != null) card.addProperty("text_weights", BuiltinEncoders.describe(o.textWeights));
    card.addProperty("best_epoch", r.bestEpoch());
    card.addProperty("best_mean_validation_dice", r.bestMeanDice());
    card.add("config", new GsonBuilder().serializeSpecialFloatingPointValues().create().toJsonTree(cfg));
    card.add("history", new GsonBuilder().serializeSpecialFloatingPointValues().create().toJsonTree(r.history()));
    card.addProperty("java", System.getProperty("java.version"));
    card.addProperty("djl", ai.djl.engine.Engine.getDjlVersion());
    String text = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(card);
    AtomicFiles.writeText(out.resolve("model.json"), true, text);
  }
}
