package org.medvlm.cli;

import ai.djl.Device;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.medvlm.BadInputException;
import org.medvlm.data.Dataset;
import org.medvlm.data.LabelMap;
import org.medvlm.data.Organ;
import org.medvlm.data.Split;
import org.medvlm.infer.Devices;
import org.medvlm.io.AtomicFiles;
import org.medvlm.model.UNetConfig;
import org.medvlm.preprocess.AugmentConfig;
import org.medvlm.preprocess.PreprocessConfig;
import org.medvlm.train.TrainConfig;
import org.medvlm.train.Trainer;
import org.medvlm.train.UNetTask;
import org.medvlm.train.MedVlmTask;
import org.medvlm.train.SegmentationTask;
import org.medvlm.data.PromptLibrary;
import org.medvlm.model.vlm.MedVlmConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true,
    description = {"Train a model on a BTCV- or MSD-layout dataset (split by case).",
        "The output folder holds latest/previous/best checkpoints, curves.csv and model.json.",
        "Stop at any time; --resume continues from the latest checkpoint with the same result."})
final class TrainCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "NAME",
      description = "Model to train: unet, medvlm-small, medvlm-large (medvlm-tiny: a test-size Med-VLM).")
  String model;

  @Option(names = "--data", required = true, paramLabel = "DIR", description = "Dataset folder (BTCV or MSD layout).")
  Path data;

  @Option(names = "--label-map", paramLabel = "TSV", description = "Map the labels' ids to BTCV ids.")
  Path labelMap;

  @Option(names = "--val-cases", paramLabel = "N", description = "Validation cases (default: 6 of 30, else 20%%).")
  Integer valCases;

  @Option(names = "--split", paramLabel = "FILE|N/M", description = "A file of validation case ids, or train/validation counts such as 24/6.")
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
      description = {"Augmentations: safe (intensity shift/scale, noise; default), study (also left-right and",
          "anterior-posterior flips and 90 degree turns, as the study), none."})
  String augment;

  @Option(names = "--rare-repeats", defaultValue = "1", paramLabel = "N",
      description = "Show slices with a rare organ (fewer voxels than the median organ) up to N times per epoch, the rarer the more (default: ${DEFAULT-VALUE}).")
  int rareRepeats;

  @Option(names = "--rare-weight", defaultValue = "1", paramLabel = "W",
      description = "Weigh a rare organ's pixels in the cross-entropy by sqrt(median organ voxels / its voxels), at most W (default: ${DEFAULT-VALUE} = unweighted).")
  float rareWeight;

  @Option(names = "--image-weights", paramLabel = "DIR|FILE", description = "Med-VLM: pretrained timm ViT weights (model.safetensors or pytorch_model.bin).")
  Path imageWeights;

  @Option(names = "--text-weights", paramLabel = "DIR|FILE", description = "Med-VLM: pretrained BERT folder (weights, config.json, tokenizer.json or vocab.txt).")
  Path textWeights;

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

  @Option(names = "--device", defaultValue = "auto", paramLabel = "D", description = "cpu, gpu or auto (default: ${DEFAULT-VALUE}).")
  String device;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    boolean vlm = MedVlmConfig.VARIANTS.contains(model);
    if (!model.equals(UNetTask.TYPE) && !vlm) {
      throw new BadInputException("--model", "unknown model '" + model + "' (available: unet, " + String.join(", ", MedVlmConfig.VARIANTS) + ")");
    }
    if (!vlm && (imageWeights != null || textWeights != null || trainEncoders || promptFile != null || lenient)) {
      throw new BadInputException("--model", "--image-weights, --text-weights, --lenient, --train-encoders and --prompts are Med-VLM options");
    }
    int epochCount = epochs != null ? epochs : vlm ? 10 : 50;
    if (out == null) out = Path.of("runs", model);
    if (split != null && valCases != null) throw new BadInputException("--split", "give --split or --val-cases, not both");
    List<Organ> organList = Organ.parseList(organs);
    Device dev = Devices.parse(device);
    var err = spec.commandLine().getErr();
    Dataset dataset = Dataset.open(data, labelMap == null ? null : LabelMap.read(labelMap));
    String splitSpec = split;
    if (valCases != null) splitSpec = (dataset.cases().size() - valCases) + "/" + valCases;
    Split sp = Split.of(dataset.cases(), splitSpec, seed);
    double sp2 = spacing > 0 ? spacing : Double.NaN;
    PreprocessConfig pre;
    UNetConfig net;
    try {
      pre = PreprocessConfig.defaults().withSize(size).withSpacing(new double[] {sp2, sp2, Double.NaN}).withContextSlices(context);
      net = vlm ? null : new UNetConfig(context, organList.size() + 1, width, depth);
      if (!vlm && size % (1 << depth) != 0) throw new IllegalArgumentException("--size " + size + " must be divisible by 2^depth = " + (1 << depth));
      if (vlm && size % 16 != 0) throw new IllegalArgumentException("--size " + size + " must be a multiple of the ViT's 16-pixel patches");
      if (vlm && context != 1 && context != 3) throw new IllegalArgumentException("Med-VLM takes --context 1 or 3 (the ViT's three channels)");
    } catch (IllegalArgumentException e) {
      throw new BadInputException("--size/--width/--depth/--context", e.getMessage());
    }
    AugmentConfig aug;
    try {
      aug = AugmentConfig.named(augment);
    } catch (IllegalArgumentException e) {
      throw new BadInputException("--augment", e.getMessage());
    }
    if (rareRepeats < 1) throw new BadInputException("--rare-repeats", "must be at least 1");
    if (!(rareWeight >= 1)) throw new BadInputException("--rare-weight", "must be at least 1");
    if (!(absentShare >= 0 && absentShare <= 1)) throw new BadInputException("--absent-share", "must be between 0 and 1");
    TrainConfig cfg = new TrainConfig(epochCount, batch, lr, weightDecay, seed, organList, pre, aug, rareRepeats, rareWeight);
    SegmentationTask task = vlm ? medVlmTask(organList, err) : new UNetTask(net, organList, size);
    err.printf(Locale.ROOT, "training %s on %d cases (validation %d) on %s; output %s%n", model, sp.train().size(), sp.validation().size(), dev, out);
    Trainer.Result r = new Trainer(task, cfg, out, dev, new ConsoleProgress(err)).run(dataset, sp, resume);
    writeCard(r, cfg, sp, org.medvlm.model.vlm.ParameterCount.of(task.block()));
    spec.commandLine().getOut().printf(Locale.ROOT, "best epoch %d: mean validation Dice %.4f (3D, original grids); %d trainable parameters; %s%n",
        r.bestEpoch(), r.bestMeanDice(), r.parameters(), out.resolve("best.ckpt"));
    return Main.OK;
  }

  private MedVlmTask medVlmTask(List<Organ> organList, java.io.PrintWriter err) throws java.io.IOException {
    if (maxTokens < 8 || maxTokens > 512) throw new BadInputException("--max-tokens", "must be 8 to 512");
    PromptLibrary prompts = PromptLibrary.builtIn();
    if (promptFile != null) prompts = prompts.plus(PromptLibrary.read(promptFile));
    if (imageWeights == null || textWeights == null) {
      err.println("warning: no pretrained " + (imageWeights == null && textWeights == null ? "ViT or BERT weights" : imageWeights == null ? "ViT weights" : "BERT weights")
          + " given (--image-weights, --text-weights): " + (imageWeights == null && textWeights == null ? "both encoders start" : "that encoder starts") + " random"
          + (trainEncoders ? " and is trained fully (--train-encoders)" : " and stays frozen under LoRA, which limits what the model can learn; add --train-encoders to train it"));
    }
    MedVlmTask task;
    try {
      task = imageWeights == null && textWeights == null
          ? MedVlmTask.withPromptVocabulary(model, size, context, organList, prompts, maxTokens, absentShare, trainEncoders)
          : MedVlmTask.withPretrained(model, size, context, organList, prompts, maxTokens, absentShare, trainEncoders,
              new MedVlmTask.Pretrained(imageWeights, textWeights, lenient));
    } catch (IllegalArgumentException e) {
      throw new BadInputException("--model", e.getMessage());
    }
    task.onWarning(m -> err.println("warning: " + m));
    return task;
  }

  private void writeCard(Trainer.Result r, TrainConfig cfg, Split sp, org.medvlm.model.vlm.ParameterCount count) throws java.io.IOException {
    JsonObject card = new JsonObject();
    card.addProperty("model", model);
    card.addProperty("data", data.toAbsolutePath().toString());
    card.add("train_cases", new GsonBuilder().create().toJsonTree(sp.train().stream().map(Dataset.Case::id).toList()));
    card.add("validation_cases", new GsonBuilder().create().toJsonTree(sp.validation().stream().map(Dataset.Case::id).toList()));
    card.addProperty("trainable_parameters", r.parameters());
    card.addProperty("frozen_parameters", count.frozen());
    card.addProperty("total_parameters", count.total());
    if (imageWeights != null) card.addProperty("image_weights", imageWeights.toAbsolutePath().toString());
    if (textWeights != null) card.addProperty("text_weights", textWeights.toAbsolutePath().toString());
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
