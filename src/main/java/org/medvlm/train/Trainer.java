package org.medvlm.train;

import org.medvlm.checkpoint.CheckpointStore;
import org.medvlm.checkpoint.Checkpoint;
import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.imglib2.type.numeric.integer.IntType;
import org.medvlm.BadInputException;
import org.medvlm.data.Dataset;
import org.medvlm.data.Organ;
import org.medvlm.data.OrganSet;
import org.medvlm.data.Split;
import org.medvlm.metrics.Evaluator;
import org.medvlm.metrics.OrganMetrics;
import org.medvlm.preprocess.Augmenter;
import org.medvlm.preprocess.PreparedVolume;
import org.medvlm.preprocess.Preprocessor;
import org.medvlm.volume.Volume;

/**
 * The training loop shared by all models. Each epoch: slices in a seeded order, augmented with a
 * seed per (epoch, position), one AdamW step per batch with every array of the step in its own
 * manager; then validation (slice loss and, on whole volumes mapped back to their original grids,
 * 3D Dice per organ), a checkpoint of the latest state, the best one by mean validation Dice, and
 * the learning curves. Resuming reloads the latest checkpoint and repeats the interrupted epoch
 * exactly, so a resumed run ends where an uninterrupted one would.
 */
public final class Trainer {
  private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().create();

  private final SegmentationTask task;
  private final TrainConfig config;
  private final Path out;
  private final List<Device> devices;
  private final TrainingListener listener;

  /** What a run produced. */
  public record Result(List<EpochMetrics> history, int bestEpoch, double bestMeanDice, Path outputDir, long parameters) {}

  public Trainer(SegmentationTask task, TrainConfig config, Path out, Device device, TrainingListener listener) {
    this(task, config, out, List.of(device), listener);
  }

  /**
   * Data-parallel training over {@code devices} ({@link Replicas}): each step splits the batch
   * of {@code config.batchSize()} slices over them; the first device holds the weights that are
   * checkpointed and validates.
   */
  public Trainer(SegmentationTask task, TrainConfig config, Path out, List<Device> devices, TrainingListener listener) {
    if (devices.isEmpty()) throw new IllegalArgumentException("no devices");
    this.task = task;
    this.config = config;
    this.out = out;
    this.devices = List.copyOf(devices);
    this.listener = listener;
  }

  /** Training volumes scored after each epoch for the training Dice curve. */
  public static final int TRAIN_DICE_CASES = 2;

  /** A validation volume: prepared slices, the reference on the original grid and the organs it labels. */
  private record ValCase(String id, PreparedVolume prepared, Volume<IntType> reference, OrganSet labelled) {}

  /** Training and validation cases, prepared: training volumes with the organs each labels, validation cases, and the first training cases scored as train Dice. */
  private record Cases(List<PreparedVolume> train, List<OrganSet> trainLabelled, List<ValCase> val, List<ValCase> trainEval) {}

  /**
   * Trains: reads every case (before anything is written, so a bad file leaves no output
   * folder), restores a resumed run, then runs the epochs, each validated and checkpointed.
   */
  public Result run(Dataset dataset, Split split, boolean resume) throws IOException {
    CheckpointStore store = new CheckpointStore(out);
    if (!resume && store.hasLatest()) {
      throw new BadInputException(out, "already holds a training run; use {resume} to continue it or choose another {out}");
    }
    Cases cases = prepare(dataset, split);
    Files.createDirectories(out);
    store.removeStaleTemporaries();
    double[] rarity = rarity(cases.train());
    task.weightOrgans(organWeights(rarity));
    List<int[]> slices = epochSlices(cases.train(), rarity);
    if (slices.isEmpty()) throw new BadInputException(dataset.root(), "no training slices");

    Engine.getInstance().setRandomSeed((int) config.seed());
    org.medvlm.device.Devices.noGradientsOnThisThread();
    try (NDManager root = NDManager.newBaseManager(devices.get(0))) {
      task.block().initialize(root, DataType.FLOAT32, task.inputShape(config.batchSize()));
      for (String loaded : task.loadPretrained()) listener.message(loaded);
      CheckpointStore.Loaded resumeFrom = resume && store.hasLatest() ? latestWeights(store, root) : null;
      task.prepareForTraining();
      List<Parameter> params = TrainStep.trainableParameters(task.block());
      long count = params.stream().mapToLong(p -> p.getArray().size()).sum();
      AdamW opt = new AdamW(params, config.learningRate(), config.weightDecay(), root).clipGradients(task.gradientClip())
          .scaleLearningRates(task::learningRateScale);
      List<EpochMetrics> history = new ArrayList<>();
      Resumed resumed = resumeFrom == null ? new Resumed(0, null) : resumeState(resumeFrom, store, root, opt, history);
      Replicas replicas = Replicas.of(task.block(), root, devices); // closed with root
      ParameterStore ps = replicas.store(0);
      Augmenter aug = new Augmenter(config.augment());
      for (int epoch = resumed.startEpoch(); epoch < config.epochs(); epoch++) {
        Partial partial = resumed.partial();
        Partial done = partial != null && partial.epoch() == epoch ? partial : new Partial(epoch, 0, 0, 0, 0, 0);
        EpochRun e = trainEpoch(epoch, done, slices, cases, aug, root, replicas, opt);
        if (e.stepsDone() < e.steps()) {
          // stopped mid-epoch (cancel, or a scheduler's warning signal): save where we are
          store.saveLatest(checkpoint(epoch - 1, opt, history, new Partial(epoch, e.stepsDone(), e.lossSum(), e.lossCount(), e.skipped(), e.seconds())));
          listener.message("stopped at step " + e.stepsDone() + " of " + e.steps() + " in epoch " + (epoch + 1) + "; checkpoint saved, continue with {resume}");
          break;
        }
        if (e.skipped() > 0) {
          listener.message("epoch " + (epoch + 1) + ": skipped " + e.skipped() + " step(s) whose loss or gradients were not finite"
              + (e.skippedAt().isEmpty() ? "" : " (step " + e.skippedAt().stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", ")) + " of " + e.steps() + ")"));
        }
        endEpoch(epoch, e, root, ps, cases, opt, history, store);
        if (listener.cancelled()) {
          listener.message("stopped after epoch " + (epoch + 1) + "; continue with {resume}");
          break;
        }
      }
      int bestEpoch = bestEpochOf(history);
      double bestDice = history.stream().filter(m -> m.epoch() == bestEpoch).mapToDouble(EpochMetrics::meanValDice).findFirst().orElse(-1);
      return new Result(history, bestEpoch, bestDice, out, count);
    }
  }

  /** Reads and prepares every training and validation case, with the preprocessing prediction uses. */
  private Cases prepare(Dataset dataset, Split split) throws IOException {
    Preprocessor pre = new Preprocessor(config.preprocess());
    List<PreparedVolume> train = new ArrayList<>();
    List<OrganSet> trainLabelled = new ArrayList<>();
    List<ValCase> trainEval = new ArrayList<>();
    for (Dataset.Case c : split.train()) {
      listener.message("preparing training case " + c.id() + (c.labelled().isAll() ? "" : " (labels " + c.labelled() + " only)"));
      Dataset.Loaded l = dataset.load(c);
      train.add(pre.prepare(l.image(), l.labels()));
      trainLabelled.add(l.labelled());
      if (trainEval.size() < TRAIN_DICE_CASES) trainEval.add(new ValCase(c.id(), train.get(train.size() - 1), l.labels(), l.labelled()));
    }
    List<ValCase> val = new ArrayList<>();
    for (Dataset.Case c : split.validation()) {
      listener.message("preparing validation case " + c.id() + (c.labelled().isAll() ? "" : " (labels " + c.labelled() + " only)"));
      Dataset.Loaded l = dataset.load(c);
      val.add(new ValCase(c.id(), pre.prepare(l.image(), l.labels()), l.labels(), l.labelled()));
    }
    return new Cases(train, trainLabelled, val, trainEval);
  }

  /** The latest usable checkpoint, its weights in the block (before gradients are enabled). */
  private CheckpointStore.Loaded latestWeights(CheckpointStore store, NDManager root) throws IOException {
    CheckpointStore.Loaded latest = store.loadLatest();
    if (latest.fallbackReason() != null) {
      listener.message("latest checkpoint unusable (" + latest.fallbackReason() + "); using " + latest.file().getFileName());
    }
    restoreWeights(latest.disk(), root); // replaces the parameter arrays: before enabling gradients
    return latest;
  }

  /** Where a resumed run goes on: the first epoch to run, and the interrupted epoch's progress (or null). */
  private record Resumed(int startEpoch, Partial partial) {}

  /** The optimiser state and history of a resumed run, and where it goes on. */
  private Resumed resumeState(CheckpointStore.Loaded from, CheckpointStore store, NDManager root, AdamW opt, List<EpochMetrics> history) throws IOException {
    int startEpoch = restoreState(from.disk(), root, opt, history) + 1;
    Partial partial;
    try {
      partial = Partial.of(from.meta());
    } catch (RuntimeException e) {
      throw new BadInputException(from.file(), "its interrupted epoch's progress is damaged: it cannot be resumed");
    }
    String repaired = store.repairBest(from, bestEpochOf(history) - 1);
    if (repaired != null) listener.message(repaired);
    if (partial != null) {
      startEpoch = partial.epoch();
      listener.message("resuming epoch " + (startEpoch + 1) + " after step " + partial.steps() + " from " + from.file());
    } else {
      listener.message("resuming after epoch " + startEpoch + " from " + from.file());
    }
    return new Resumed(startEpoch, partial);
  }

  /**
   * An epoch's training: its steps, how many ran (fewer when cancelled), the loss summed over the
   * finite steps, the steps skipped for non-finite values (and at which step), seconds and samples.
   */
  private record EpochRun(int steps, int stepsDone, double lossSum, int lossCount, long skipped, List<Integer> skippedAt, double seconds, int samples) {}

  /** Trains one epoch from {@code done} (a resumed epoch's progress, else nothing) until its end or a cancel. */
  private EpochRun trainEpoch(int epoch, Partial done, List<int[]> slices, Cases cases, Augmenter aug, NDManager root, Replicas replicas, AdamW opt) {
    long t0 = System.nanoTime();
    List<int[]> order = new ArrayList<>(slices);
    java.util.Collections.shuffle(order, new Random(config.seed() * 1_000_003L + epoch));
    int steps = (order.size() + config.batchSize() - 1) / config.batchSize();
    double lossSum = done.lossSum();
    int lossCount = done.lossCount();
    long skippedBefore = opt.skippedSteps() - done.skipped();
    int s = done.steps();
    List<Integer> skippedAt = new ArrayList<>();
    for (; s < steps && !listener.cancelled(); s++) {
      // the engine's random numbers (dropout) restart per step, so a resumed run replays exactly
      Engine.getInstance().setRandomSeed((int) (config.seed() * 7919 + epoch * 1_000_003L + s));
      List<Augmenter.Sample> batch = new ArrayList<>();
      for (int k = s * config.batchSize(); k < Math.min(order.size(), (s + 1) * config.batchSize()); k++) {
        int[] at = order.get(k);
        PreparedVolume v = cases.train().get(at[0]);
        OrganSet labelled = cases.trainLabelled().get(at[0]);
        long sampleSeed = (config.seed() * 31 + epoch) * 1_000_003L + k;
        int bits = labelled.isAll() ? Augmenter.Sample.ALL_LABELLED : labelled.bits();
        batch.add(aug.apply(new Augmenter.Sample(v.input(at[1]), v.labelSlice(at[1]), v.size(), 0, bits), sampleSeed));
      }
      opt.setLearningRate((float) (config.learningRate() * config.schedule().factor((long) epoch * steps + s, (long) config.epochs() * steps)));
      long skipsBefore = opt.skippedSteps();
      double loss = TrainStep.run(task, root, replicas, opt, batch);
      if (opt.skippedSteps() > skipsBefore) {
        skippedAt.add(s + 1);
        String where = parameterNames(task.block(), opt.lastNonFiniteGradients());
        if (!where.isEmpty()) listener.message("epoch " + (epoch + 1) + ", step " + (s + 1) + ": non-finite gradients in " + where);
      }
      if (!Double.isNaN(loss)) {
        lossSum += loss;
        lossCount++;
      }
      double elapsed = (System.nanoTime() - t0) / 1e9;
      int here = s + 1 - done.steps();
      double sps = here * (double) config.batchSize() / elapsed;
      double eta = elapsed / here * (steps - s - 1) + (config.epochs() - epoch - 1) * elapsed / here * steps;
      listener.step(epoch + 1, config.epochs(), s + 1, steps, lossSum / Math.max(1, lossCount), sps, eta);
    }
    double seconds = done.seconds() + (System.nanoTime() - t0) / 1e9;
    return new EpochRun(steps, s, lossSum, lossCount, opt.skippedSteps() - skippedBefore, skippedAt, seconds, order.size());
  }

  /** Validates a finished epoch, saves its checkpoint (as the best when its mean validation Dice is the highest yet) and the learning curves. */
  private void endEpoch(int epoch, EpochRun e, NDManager root, ParameterStore ps, Cases cases, AdamW opt, List<EpochMetrics> history, CheckpointStore store)
      throws IOException {
    EpochMetrics m = validate(epoch + 1, e.lossSum() / Math.max(1, e.lossCount()), e.seconds(), e.samples() / e.seconds(), root, ps, cases.val(), cases.trainEval());
    history.add(m);
    boolean best = history.stream().allMatch(h -> h == m || h.meanValDice() < m.meanValDice());
    store.saveEpoch(checkpoint(epoch, opt, history, null), best);
    LearningCurves.write(out, history);
    listener.epoch(m, best);
  }

  /**
   * How rare each organ (by BTCV id) is in the training slices: sqrt(median organ voxels / its
   * voxels) for organs with fewer voxels than the median organ, else 1.
   */
  private double[] rarity(List<PreparedVolume> train) {
    long[] voxels = new long[Organ.MAX_ID + 1];
    for (PreparedVolume v : train) for (int l : v.labels()) voxels[l]++;
    long[] counts = config.organs().stream().mapToLong(o -> voxels[o.id()]).sorted().toArray();
    long median = counts.length == 0 ? 0 : counts[counts.length / 2];
    double[] rarity = new double[Organ.MAX_ID + 1];
    java.util.Arrays.fill(rarity, 1);
    for (Organ o : config.organs()) {
      long n = voxels[o.id()];
      if (n > 0 && n < median) rarity[o.id()] = Math.sqrt(median / (double) n);
    }
    return rarity;
  }

  /** Cross-entropy weight per BTCV id: the rarity, at most {@code rareWeight}; background 1. */
  private float[] organWeights(double[] rarity) {
    float[] w = new float[Organ.MAX_ID + 1];
    for (int id = 0; id < w.length; id++) w[id] = (float) Math.min(config.rareWeight(), id == 0 ? 1 : rarity[id]);
    return w;
  }

  /**
   * The (volume, slice) pairs of one epoch: every slice once, and a slice that shows a rare organ
   * ceil(rarity) times, at most {@code rareRepeats}, by its rarest organ: the rarer the organ, the
   * more often it is seen.
   */
  private List<int[]> epochSlices(List<PreparedVolume> train, double[] rarity) {
    int[] repeats = new int[Organ.MAX_ID + 1];
    for (int id = 0; id < repeats.length; id++) repeats[id] = (int) Math.min(config.rareRepeats(), Math.ceil(rarity[id]));
    List<int[]> out = new ArrayList<>();
    for (int v = 0; v < train.size(); v++) {
      PreparedVolume pv = train.get(v);
      int s2 = pv.size() * pv.size();
      for (int z = 0; z < pv.depth(); z++) {
        int copies = 1;
        for (int i = z * s2; i < (z + 1) * s2; i++) copies = Math.max(copies, repeats[pv.labels()[i]]);
        for (int c = 0; c < copies; c++) out.add(new int[] {v, z});
      }
    }
    return out;
  }

  private EpochMetrics validate(int epoch, double trainLoss, double seconds, double sps, NDManager root, ParameterStore ps, List<ValCase> val,
      List<ValCase> trainEval) {
    List<Volume<IntType>> predicted = new ArrayList<>();
    long[][] slice = new long[Organ.MAX_ID + 1][3]; // intersection, predicted, reference at model resolution
    double lossSum = 0;
    int lossCount = 0;
    for (ValCase v : val) {
      PreparedVolume p = v.prepared();
      org.medvlm.infer.Prediction result = task.validate(root, ps, p, config.batchSize());
      lossSum += result.lossSum();
      lossCount += result.batches();
      int[] pred = result.slices();
      predicted.add(result.labels());
      int[] ref = p.labels();
      for (int i = 0; i < pred.length; i++) {
        if (!v.labelled().contains(pred[i])) continue; // an organ the reference does not label: not scored
        slice[pred[i]][1]++;
        slice[ref[i]][2]++;
        if (pred[i] == ref[i]) slice[pred[i]][0]++;
      }
    }
    Map<String, Double> dice = dice3d(val, predicted);
    double mean = mean(dice);
    List<Volume<IntType>> trainPredicted = new ArrayList<>();
    for (ValCase c : trainEval) trainPredicted.add(task.predict(root, ps, c.prepared(), config.batchSize()));
    double trainDice = mean(dice3d(trainEval, trainPredicted));
    double sliceDice = 0;
    int present = 0;
    for (Organ o : config.organs()) {
      long[] c = slice[o.id()];
      if (c[2] == 0) continue;
      sliceDice += 2.0 * c[0] / (c[1] + c[2]);
      present++;
    }
    sliceDice = present == 0 ? Double.NaN : sliceDice / present;
    return new EpochMetrics(epoch, trainLoss, lossCount == 0 ? Double.NaN : lossSum / lossCount, sliceDice, dice, mean, seconds, sps, trainDice);
  }

  /** 3D Dice per organ on the volumes' original grids, averaged over the volumes whose reference labels and shows the organ. */
  private Map<String, Double> dice3d(List<ValCase> cases, List<Volume<IntType>> predicted) {
    Evaluator evaluator = new Evaluator(Evaluator.DEFAULT_NSD_TOLERANCE_MM, false);
    Map<String, double[]> sums = new LinkedHashMap<>();
    for (int i = 0; i < cases.size(); i++) {
      ValCase v = cases.get(i);
      for (OrganMetrics m : evaluator.evaluate(predicted.get(i), v.reference(), config.organs(), v.labelled())) {
        if (m.status() != OrganMetrics.Status.PRESENT && m.status() != OrganMetrics.Status.MISSED) continue;
        double[] s = sums.computeIfAbsent(m.organ().key(), k -> new double[2]);
        s[0] += m.dice();
        s[1]++;
      }
    }
    Map<String, Double> dice = new LinkedHashMap<>();
    for (Organ o : config.organs()) {
      double[] s = sums.get(o.key());
      if (s != null && s[1] > 0) dice.put(o.key(), s[0] / s[1]);
    }
    return dice;
  }

  private static double mean(Map<String, Double> dice) {
    return dice.isEmpty() ? 0 : dice.values().stream().mapToDouble(Double::doubleValue).average().orElse(0);
  }

  /**
   * Where an interrupted epoch stopped: steps done and the running sums its metrics need, so a
   * resumed run continues with the next step and ends where an uninterrupted one would.
   */
  /** The first epoch (1-based) with the highest mean validation Dice, as saved to best.ckpt; 0 when none finished. */
  static int bestEpochOf(List<EpochMetrics> history) {
    int bestEpoch = 0;
    double bestDice = -1;
    for (EpochMetrics m : history) {
      if (m.meanValDice() > bestDice) {
        bestDice = m.meanValDice();
        bestEpoch = m.epoch();
      }
    }
    return bestEpoch;
  }

  /** Full names of {@code params} in {@code block}, the first few, then how many more. */
  static String parameterNames(ai.djl.nn.Block block, List<Parameter> params) {
    if (params.isEmpty()) return "";
    java.util.Map<Parameter, String> names = new java.util.IdentityHashMap<>();
    for (var e : block.getParameters()) names.put(e.getValue(), e.getKey());
    List<String> list = params.stream().map(p -> names.getOrDefault(p, p.getName())).toList();
    int shown = Math.min(6, list.size());
    return String.join(", ", list.subList(0, shown)) + (list.size() > shown ? " and " + (list.size() - shown) + " more" : "");
  }

  record Partial(int epoch, int steps, double lossSum, int lossCount, long skipped, double seconds) {
    static Partial of(JsonObject meta) {
      JsonObject p = meta.getAsJsonObject("partial_epoch");
      return p == null ? null : GSON.fromJson(p, Partial.class);
    }
  }

  /** A checkpoint after {@code epoch} (0-based; -1: none finished), plus an interrupted epoch's progress if any. */
  private Checkpoint checkpoint(int epoch, AdamW opt, List<EpochMetrics> history, Partial partial) throws IOException {
    JsonObject meta = new JsonObject();
    meta.add("train_config", GSON.toJsonTree(config));
    meta.addProperty("epoch", epoch);
    meta.addProperty("step", opt.steps());
    meta.addProperty("seed", config.seed());
    meta.add("history", GSON.toJsonTree(history));
    if (partial != null) meta.add("partial_epoch", GSON.toJsonTree(partial));
    meta.addProperty("djl_version", Engine.getDjlVersion());
    meta.addProperty("engine", Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion());
    return Checkpoint.of(task.modelType(), task.describe(), task.block(), config.organs(), config.preprocess(), meta, opt.state().encode());
  }

  private void restoreWeights(Checkpoint.OnDisk c, NDManager root) throws IOException {
    c.requireModel();
    if (!c.modelType().equals(task.modelType())) {
      throw new BadInputException(out, "holds a " + c.modelType() + " checkpoint, not " + task.modelType());
    }
    if (!c.meta().get("model").equals(task.describe())) {
      throw new BadInputException(out, "checkpoint model " + c.meta().get("model") + " differs from the requested " + task.describe());
    }
    try {
      c.loadWeightsInto(task.block(), root);
    } catch (ai.djl.MalformedModelException | RuntimeException e) {
      throw new BadInputException(c.file(), "checkpoint weights do not fit the model");
    }
  }

  /** Loads optimiser state and history; returns the epoch the checkpoint ended. */
  private int restoreState(Checkpoint.OnDisk c, NDManager root, AdamW opt, List<EpochMetrics> history) throws IOException {
    if (!c.meta().has("step") || !c.meta().has("epoch") || !c.meta().has("history")) {
      throw new BadInputException(c.file(), "is not a training checkpoint (no step, epoch or history): it cannot be resumed");
    }
    try (NDManager tmp = root.newSubManager()) {
      opt.restore(NDList.decode(tmp, c.optimizer()), c.meta().get("step").getAsLong());
      for (var e : c.meta().getAsJsonArray("history")) history.add(GSON.fromJson(e, EpochMetrics.class));
      return c.meta().get("epoch").getAsInt();
    } catch (RuntimeException e) {
      throw new BadInputException(c.file(), "training state (optimiser, history) is damaged or of another version: it cannot be resumed");
    }
  }
}
