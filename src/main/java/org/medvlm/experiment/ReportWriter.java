package org.medvlm.experiment;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.medvlm.data.Dataset;
import org.medvlm.data.Organ;
import org.medvlm.io.AtomicFiles;
import org.medvlm.io.NiftiReader;
import org.medvlm.preprocess.PreprocessConfig;

/**
 * Writes an experiment's report folder: {@code report.md} and {@code report.html} (the same
 * content), {@code results.json}, and {@code figures/} (learning curves, per-organ Dice bars and
 * spleen and liver overlays per model).
 */
public final class ReportWriter {
  /** The study's published figures (SPEC section 6): best train and validation Dice, mean of spleen and liver. */
  static final Map<String, double[]> STUDY = Map.of("medvlm-large", new double[] {0.56, 0.37}, "medvlm-small", new double[] {0.58, 0.34}, "unet",
      new double[] {0.38, 0.24});

  private ReportWriter() {}

  public static void write(Path out, List<Dataset.Source> data, ExperimentPlan plan, List<ModelResult> results, String device) throws IOException {
    Path fig = Files.createDirectories(out.resolve("figures"));
    Map<String, List<String>> figures = new LinkedHashMap<>();
    Dataset dataset = Dataset.open(data);
    Map<String, Dataset.Loaded> loaded = new LinkedHashMap<>(); // each validation volume read once for all models' overlays
    for (ModelResult r : results) {
      List<String> f = new ArrayList<>();
      Path curves = out.resolve("models").resolve(r.model()).resolve("curves.png");
      if (Files.exists(curves)) {
        Files.copy(curves, fig.resolve("curves-" + r.model() + ".png"), StandardCopyOption.REPLACE_EXISTING);
        f.add("curves-" + r.model() + ".png");
      }
      Figures.diceBars(fig.resolve("dice-" + r.model() + ".png"), r.model(), r.valDice());
      f.add("dice-" + r.model() + ".png");
      for (Organ organ : List.of(Organ.SPLEEN, Organ.LIVER)) {
        for (String id : r.validationCases()) {
          Path pred = out.resolve("models").resolve(r.model()).resolve("predictions").resolve(id + "_seg.nii.gz");
          if (!Files.exists(pred)) continue;
          Dataset.Loaded l = loaded.get(id);
          if (l == null) {
            loaded.put(id, l = dataset.load(dataset.cases().stream().filter(k -> k.id().equals(id)).findFirst().orElseThrow()));
          }
          String name = "overlay-" + r.model() + "-" + organ.key() + ".png";
          if (Figures.overlay(fig.resolve(name), r.model() + ", case " + id, l.image(), l.labels(), NiftiReader.readLabels(pred), organ)) {
            f.add(name);
            break;
          }
        }
      }
      figures.put(r.model(), f);
    }
    String md = markdown(data, plan, results, device, figures);
    AtomicFiles.writeText(out.resolve("report.md"), true, md);
    AtomicFiles.writeText(out.resolve("report.html"), true, html(md));
    JsonObject json = new JsonObject();
    json.add("setup", new GsonBuilder().serializeSpecialFloatingPointValues().create().toJsonTree(setup(data, plan, device)));
    json.add("models", new GsonBuilder().serializeSpecialFloatingPointValues().create().toJsonTree(results));
    AtomicFiles.writeText(out.resolve("results.json"), true, new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(json));
  }

  static Map<String, Object> setup(List<Dataset.Source> data, ExperimentPlan plan, String device) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("data", data.stream().map(d -> d.dir().toAbsolutePath() + (d.labelMap() == null ? "" : " (label map " + d.labelMap().toAbsolutePath() + ")"))
        .collect(java.util.stream.Collectors.joining("; ")));
    s.put("split", plan.split());
    s.put("seed", plan.seed());
    PreprocessConfig pre = PreprocessConfig.defaults().withSize(plan.size()).withSpacing(new double[] {plan.spacing(), plan.spacing(), Double.NaN});
    s.put("preprocessing", String.format(Locale.ROOT, "RAS orientation; in-plane spacing %.2f mm, native slice spacing; window [%.0f, %.0f] HU to [0, 1]; "
        + "body crop (above %.0f HU, %.0f mm margin); axial slices resized to %d x %d; augmentation: %s (train --augment); learning-rate schedule: %s",
        plan.spacing(), pre.windowLow(), pre.windowHigh(), pre.bodyThresholdHu(), pre.cropMarginMm(), plan.size(), plan.size(), plan.augment(), plan.lrSchedule()));
    s.put("java", System.getProperty("java.version"));
    s.put("djl", ai.djl.engine.Engine.getDjlVersion());
    s.put("engine", ai.djl.engine.Engine.getInstance().getEngineName() + " " + ai.djl.engine.Engine.getInstance().getVersion());
    s.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    s.put("cpu_cores", Runtime.getRuntime().availableProcessors());
    s.put("device", device);
    return s;
  }

  private static String f(Double v) {
    return v == null || !Double.isFinite(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
  }

  static String markdown(List<Dataset.Source> data, ExperimentPlan plan, List<ModelResult> results, String device, Map<String, List<String>> figures) {
    StringBuilder b = new StringBuilder("# Med-VLM experiment report\n\n## Setup\n\n");
    setup(data, plan, device).forEach((k, v) -> b.append("- **").append(k).append("**: ").append(v).append('\n'));
    if (!results.isEmpty()) {
      b.append("- **validation cases**: ").append(String.join(", ", results.get(0).validationCases())).append('\n');
      b.append("- **training volumes also scored for the train column**: ").append(String.join(", ", results.get(0).trainEvalCases())).append('\n');
    }
    b.append("\nHyper-parameters per model:\n\n| model | settings |\n|---|---|\n");
    for (ModelResult r : results) b.append("| ").append(r.model()).append(" | ").append(r.settings()).append(" |\n");
    b.append("\n## Results in the study's form (Dice, mean of spleen and liver)\n\n")
        .append("Ours: best checkpoint (by mean validation Dice), 3D Dice on the volumes' original grids; \"train\" is the same on the training volumes listed above. ")
        .append("The study's figures are from real BTCV at 224 px; compare like with like.\n\n")
        .append("| model | train Dice | validation Dice | mean validation Dice, 13 organs | study train | study validation |\n|---|---|---|---|---|---|\n");
    for (ModelResult r : results) {
      double[] s = STUDY.get(r.model());
      b.append("| ").append(r.model()).append(" | ").append(f(ModelResult.spleenLiver(r.trainDice()))).append(" | ").append(f(ModelResult.spleenLiver(r.valDice())))
          .append(" | ").append(f(ModelResult.mean(r.valDice()))).append(" | ").append(s == null ? "-" : f(s[0])).append(" | ").append(s == null ? "-" : f(s[1]))
          .append(" |\n");
    }
    b.append("\n## Validation Dice per organ\n\n").append(organTable(results, true));
    b.append("\n## Validation HD95 per organ (mm)\n\n").append(organTable(results, false));
    b.append("\n## Size, training time and throughput\n\n| model | trainable | frozen | total | best epoch | training time | slices/s (training) | s per validation volume (inference) |\n|---|---|---|---|---|---|---|---|\n");
    for (ModelResult r : results) {
      b.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %,d | %d | %.0f s | %.1f | %.2f |%n", r.model(), r.trainable(), r.frozen(), r.total(), r.bestEpoch(),
          r.trainSeconds(), r.samplesPerSecond(), r.segmentSecondsPerCase()));
    }
    b.append("\n## Figures\n\n");
    figures.forEach((model, files) -> {
      b.append("### ").append(model).append("\n\n");
      for (String file : files) b.append("![").append(file).append("](figures/").append(file).append(")\n\n");
    });
    return b.toString();
  }

  private static String organTable(List<ModelResult> results, boolean dice) {
    StringBuilder b = new StringBuilder("| organ |");
    for (ModelResult r : results) b.append(' ').append(r.model()).append(" |");
    b.append("\n|---|");
    for (int i = 0; i < results.size(); i++) b.append("---|");
    b.append('\n');
    for (Organ o : Organ.values()) {
      b.append("| ").append(o.displayName()).append(" |");
      for (ModelResult r : results) b.append(' ').append(f((dice ? r.valDice() : r.valHd95()).get(o.key()))).append(" |");
      b.append('\n');
    }
    return b.toString();
  }

  /** The markdown as HTML: headings, lists, tables, images and paragraphs (all the report uses). */
  static String html(String md) {
    StringBuilder b = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Med-VLM experiment report</title>\n"
        + "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto}table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:3px 8px;text-align:right}"
        + "td:first-child,th:first-child{text-align:left}img{max-width:100%}</style></head><body>\n");
    boolean inTable = false;
    boolean inList = false;
    for (String line : md.split("\n")) {
      if (!line.startsWith("|") && inTable) {
        b.append("</table>\n");
        inTable = false;
      }
      if (!line.startsWith("- ") && inList) {
        b.append("</ul>\n");
        inList = false;
      }
      if (line.startsWith("|")) {
        if (line.startsWith("|---")) continue;
        String[] cells = line.substring(1, line.length() - 1).split("\\|");
        String tag = inTable ? "td" : "th";
        if (!inTable) b.append("<table>\n");
        inTable = true;
        b.append("<tr>");
        for (String c : cells) b.append('<').append(tag).append('>').append(inline(c.trim())).append("</").append(tag).append('>');
        b.append("</tr>\n");
      } else if (line.startsWith("### ")) b.append("<h3>").append(inline(line.substring(4))).append("</h3>\n");
      else if (line.startsWith("## ")) b.append("<h2>").append(inline(line.substring(3))).append("</h2>\n");
      else if (line.startsWith("# ")) b.append("<h1>").append(inline(line.substring(2))).append("</h1>\n");
      else if (line.startsWith("- ")) {
        if (!inList) b.append("<ul>\n");
        inList = true;
        b.append("<li>").append(inline(line.substring(2))).append("</li>\n");
      } else if (line.startsWith("![")) {
        String src = line.substring(line.indexOf('(') + 1, line.lastIndexOf(')'));
        b.append("<p><img src=\"").append(escape(src)).append("\" alt=\"").append(escape(src)).append("\"></p>\n");
      } else if (!line.isBlank()) b.append("<p>").append(inline(line)).append("</p>\n");
    }
    if (inTable) b.append("</table>\n");
    if (inList) b.append("</ul>\n");
    return b.append("</body></html>\n").toString();
  }

  private static String inline(String s) {
    return escape(s).replaceAll("\\*\\*(.+?)\\*\\*", "<b>$1</b>");
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
