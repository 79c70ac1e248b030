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

/**
 * One training run as the user asked for it: every option with the study's defaults, checked,
 * turned into a task, a split and a config, trained by {@link Trainer}, and summarised in
 * {@code model.json}. The command line and the Fiji commands fill in {@link Options} and call
 * {@link #run}.
 */
public final class TrainingRun {
  /** The options of {@code medvlm train}; fields named after them, defaults as documented there. */
  public static final class Options {
    public String model;
    public Path data;
    public Path labelMap;
    /** More dataset folders, each with its own label map (null: BTCV ids or its dataset.json), trained with {@link #data}. */
    public List<Dataset.Source> moreData = new java.util.ArrayList<>();
    public Integer valCases;
    public String split;
    public Path out;
    public boolean resume;
    public Integer epochs;
    public int batch = 8;
    public float lr = 1e-4f;
    public float weightDecay = 1e-4f;
    public long seed = 1;
    public String organs = "all";
    public int size = 224;
    public double spacing = 1.5;
    public int context = 1;
    public int width = 33;
    public int depth = 4;
    public String augment = "safe";
    public int rareRepeats = 1;
    public float rareWeight = 1;
    public String lrSchedule = "constant";
    public Path imageWeights;
    public Path textWeights;
    /** No pretrained text encoder even where one is built in ({@code --text-weights random}). */
    public boolean randomText;
    public boolean lenient;
    public boolean trainEncoders;
    public float absentShare = 0.25f;
    public Path promptFile;
    public int maxTokens = 64;
    public String device = "auto";
    /** Data-parallel training devices ({@code 0,1}); null: the one {@link #device}. */
    public String devices;
  }

  private TrainingRun() {}

  /**
   * Trains as the options say; progress and messages go to {@code listener}, warnings to
   * {@code err}. The output folder ends up with checkpoints, curves and {@code model.json}.
   */
  public static Trainer.Result run(Options o, TrainingListener listener, PrintWriter err) throws IOException {
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
