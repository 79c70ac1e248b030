package org.medvlm.experiment;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import net.imglib2.type.numeric.integer.IntType;
import org.medvlm.BadInputException;
import org.medvlm.data.Dataset;
import org.medvlm.data.Organ;
import org.medvlm.data.Split;
import org.medvlm.device.Devices;
import org.medvlm.infer.Segmenter;
import org.medvlm.io.AtomicFiles;
import org.medvlm.metrics.Evaluator;
import org.medvlm.metrics.OrganMetrics;
import org.medvlm.train.Trainer;
import org.medvlm.train.TrainingListener;
import org.medvlm.train.TrainingRun;
import org.medvlm.volume.Volume;

/**
 * The study's protocol on any BTCV-layout dataset: the same split and preprocessing for every
 * model; each model trained ({@link TrainingRun}) into {@code out/models/NAME}, then its best
 * checkpoint segments the validation volumes (and a few training volumes) on their original
 * grids, scored per organ. A model whose {@code result.json} exists is skipped; an interrupted
 * one resumes from its checkpoints. The report is written from all results at the end.
 */
public final class Experiment {
  private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().setPrettyPrinting().create();

  private Experiment() {}

  /** Runs the plan on the dataset folders in order (the first is {@code --data}; the split names cases of any). */
  public static List<ModelResult> run(List<Dataset.Source> data, Path out, ExperimentPlan plan, TrainingListener listener, PrintWriter err) throws IOException {
    Dataset dataset = Dataset.open(data);
    Split split = Split.of(dataset.cases(), plan.split(), plan.seed());
    if (split.validation().isEmpty()) throw new BadInputException("{split}", "leaves no validation cases");
    List<ModelResult> results = new ArrayList<>();
    for (String model : plan.models()) {
      Path dir = out.resolve("models").resolve(model);
      Path resultFile = dir.resolve("result.json");
      if (Files.exists(resultFile)) {
        err.println("experiment: " + model + " finished already (" + resultFile + "), skipped");
        results.add(GSON.fromJson(Files.readString(resultFile), ModelResult.class));
        continue;
      }
      TrainingRun.Options o = plan.options(model, data, dir);
      o.resume = Files.exists(dir.resolve("latest.ckpt"));
      err.println("experiment: training " + model + (o.resume ? " (resuming)" : ""));
      long t0 = System.nanoTime();
      Trainer.Result r = TrainingRun.run(o, listener, err);
      double trainSeconds = (System.nanoTime() - t0) / 1e9;
      if (r.history().size() < (o.epochs == null ? 1 : o.epochs)) {
        throw new IOException(model + " stopped after epoch " + r.history().size() + "; run the experiment again to resume");
      }
      ModelResult result = evaluate(model, dir, r, trainSeconds, o, dataset, split, plan, err::println);
      AtomicFiles.writeText(resultFile, true, GSON.toJson(result));
      results.add(result);
    }
    return results;
  }

  private static ModelResult evaluate(String model, Path dir, Trainer.Result r, double trainSeconds, TrainingRun.Options o, Dataset dataset, Split split,
      ExperimentPlan plan, Consumer<String> log) throws IOException {
    JsonObject card = JsonParser.parseString(Files.readString(dir.resolve("model.json"))).getAsJsonObject();
    // the time of this session's epochs, or of all epochs when resumed
    double epochSeconds = r.history().stream().mapToDouble(m -> m.seconds()).sum();
    double sps = r.history().stream().mapToDouble(m -> m.samplesPerSecond()).average().orElse(Double.NaN);
    Map<String, Double> valDice = new LinkedHashMap<>();
    Map<String, Double> valHd = new LinkedHashMap<>();
    Map<String, Double> trainDice = new LinkedHashMap<>();
    List<Dataset.Case> trainEval = split.train().subList(0, Math.min(plan.trainEvalCases(), split.train().size()));
    double segSeconds;
    try (Segmenter seg = Segmenter.open(dir.resolve("best.ckpt"), Devices.parse(o.device))) {
      long t0 = System.nanoTime();
      score(seg, dataset, split.validation(), valDice, valHd, log, model, dir.resolve("predictions"));
      segSeconds = (System.nanoTime() - t0) / 1e9 / split.validation().size();
      score(seg, dataset, trainEval, trainDice, new LinkedHashMap<>(), log, model, null);
    }
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("epochs", r.history().size());
    settings.put("learning_rate", o.lr);
    settings.put("learning_rate_schedule", o.lrSchedule);
    settings.put("batch", o.batch);
    settings.put("size", o.size);
    settings.put("spacing_mm", o.spacing);
    settings.put("weight_decay", o.weightDecay);
    settings.put("augment", o.augment);
    if (model.equals("unet")) settings.put("width", o.width);
    else settings.put("train_encoders", o.trainEncoders);
    return new ModelResult(model, settings, card.get("trainable_parameters").getAsLong(), card.get("frozen_parameters").getAsLong(),
        card.get("total_parameters").getAsLong(), r.bestEpoch(), Math.max(trainSeconds, epochSeconds), sps, r.history(), valDice, valHd, trainDice,
        split.validation().stream().map(Dataset.Case::id).toList(), trainEval.stream().map(Dataset.Case::id).toList(), segSeconds);
  }

  /** Mean Dice and HD95 per organ over the cases (organs absent from reference and prediction are left out). */
  private static void score(Segmenter seg, Dataset dataset, List<Dataset.Case> cases, Map<String, Double> dice, Map<String, Double> hd95,
      Consumer<String> log, String model, Path predictions) throws IOException {
    Map<Organ, List<Double>> d = new LinkedHashMap<>();
    Map<Organ, List<Double>> h = new LinkedHashMap<>();
    Evaluator evaluator = new Evaluator(Evaluator.DEFAULT_NSD_TOLERANCE_MM, true);
    for (Dataset.Case c : cases) {
      Dataset.Loaded l = dataset.load(c);
      Volume<IntType> pred = seg.segment(l.image(), seg.organs(), 8, true, org.medvlm.infer.SliceProgress.NONE).labels();
      if (predictions != null) {
        Files.createDirectories(predictions);
        org.medvlm.io.NiftiWriter.write(pred, predictions.resolve(c.id() + "_seg.nii.gz"), org.medvlm.io.NiftiDatatype.UINT8, true);
      }
      for (OrganMetrics m : evaluator.evaluate(pred, l.labels(), seg.organs(), l.labelled())) {
        if (m.dice() != null) d.computeIfAbsent(m.organ(), k -> new ArrayList<>()).add(m.dice());
        if (m.hd95() != null) h.computeIfAbsent(m.organ(), k -> new ArrayList<>()).add(m.hd95());
      }
      log.accept("experiment: " + model + " scored case " + c.id());
    }
    for (Organ o : seg.organs()) {
      if (d.containsKey(o)) dice.put(o.key(), d.get(o).stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN));
      if (h.containsKey(o)) hd95.put(o.key(), h.get(o).stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN));
    }
  }
}
