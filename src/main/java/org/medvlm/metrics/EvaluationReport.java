package org.medvlm.metrics;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import net.imglib2.type.numeric.integer.IntType;
import org.medvlm.BadInputException;
import org.medvlm.data.Dataset;
import org.medvlm.data.LabelMap;
import org.medvlm.data.Organ;
import org.medvlm.data.OrganSet;
import org.medvlm.io.VolumeIO;
import org.medvlm.volume.Volume;

/**
 * Evaluation of predictions against references, files or folders matched by case id, with
 * per-organ means and text, CSV and JSON renderings. Means are over the cases where the organ is
 * in the prediction or the reference; cases where it is in neither are counted as absent.
 */
public final class EvaluationReport {
  /** One evaluated case. */
  public record CaseResult(String caseId, Path prediction, Path reference, List<OrganMetrics> organs) {}

  /**
   * Mean metrics of one organ; {@code absent} counts cases without the organ on either side,
   * {@code notLabelled} the cases whose reference does not label it (in neither mean).
   */
  public record OrganMean(Organ organ, int cases, int absent, Double dice, Double iou, Double hd95, Double assd, Double nsd, int notLabelled) {}

  private final List<CaseResult> cases;
  private final List<Organ> organs;
  private final double nsdTolerance;

  private EvaluationReport(List<CaseResult> cases, List<Organ> organs, double nsdTolerance) {
    this.cases = cases;
    this.organs = organs;
    this.nsdTolerance = nsdTolerance;
  }

  /**
   * @param predMap map applied to predictions (null: they hold BTCV ids)
   * @param truthMap map applied to references (null: they hold BTCV ids)
   */
  public static EvaluationReport run(Path pred, Path truth, LabelMap predMap, LabelMap truthMap, List<Organ> organs, double nsdTolerance)
      throws IOException {
    return run(pred, truth, predMap, truthMap, organs, OrganSet.ALL, nsdTolerance);
  }

  /**
   * @param labelled the organs the references label; the others are reported as "not labelled"
   *     and stay out of the means
   */
  public static EvaluationReport run(Path pred, Path truth, LabelMap predMap, LabelMap truthMap, List<Organ> organs, OrganSet labelled,
      double nsdTolerance) throws IOException {
    Map<String, Path[]> pairs = pair(pred, truth);
    Evaluator evaluator = new Evaluator(nsdTolerance);
    List<CaseResult> out = new ArrayList<>();
    for (var e : pairs.entrySet()) {
      Path p = e.getValue()[0], t = e.getValue()[1];
      Volume<IntType> pv = load(p, predMap);
      Volume<IntType> tv = load(t, truthMap);
      Volume<IntType> onGrid = org.medvlm.volume.Reorientation.ontoGridOf(pv, tv, 1e-3); // the same voxels in another axis order
      if (onGrid != null) pv = onGrid;
      if (!pv.sameGrid(tv, 1e-3)) {
        throw new BadInputException(p, "grid differs from the reference " + t.getFileName() + " (" + pv.gridDifference(tv, 1e-3)
            + "); resample the prediction onto the reference grid first");
      }
      out.add(new CaseResult(e.getKey(), p, t, evaluator.evaluate(pv, tv, organs, labelled)));
    }
    return new EvaluationReport(out, organs, nsdTolerance);
  }

  private static Volume<IntType> load(Path file, LabelMap map) throws IOException {
    Volume<IntType> v = VolumeIO.readLabels(file);
    if (map != null) return map.apply(v);
    LabelMap.requireBtcv(v, file);
    return v;
  }

  private static Map<String, Path[]> pair(Path pred, Path truth) throws IOException {
    Map<String, Path[]> pairs = new TreeMap<>();
    boolean pd = Files.isDirectory(pred), td = Files.isDirectory(truth);
    if (!Files.exists(pred)) throw new BadInputException(pred, "no such file or folder");
    if (!Files.exists(truth)) throw new BadInputException(truth, "no such file or folder");
    if (pd != td) throw new BadInputException(pd ? pred : truth, "is a folder but the other side is a file; give two files or two folders");
    if (!pd) {
      pairs.put(org.medvlm.io.CaseId.of(truth), new Path[] {pred, truth});
      return pairs;
    }
    Map<String, Path> p = Dataset.byId(pred), t = Dataset.byId(truth);
    if (t.isEmpty()) throw new BadInputException(truth, "folder holds no .nii or .nii.gz files");
    List<String> missing = new ArrayList<>();
    for (var e : t.entrySet()) {
      Path match = p.get(e.getKey());
      if (match == null) missing.add(e.getKey());
      else pairs.put(e.getKey(), new Path[] {match, e.getValue()});
    }
    if (!missing.isEmpty()) throw new BadInputException(pred, "no prediction for case(s) " + String.join(", ", missing));
    return pairs;
  }

  public List<CaseResult> cases() {
    return cases;
  }

  public List<OrganMean> means() {
    List<OrganMean> out = new ArrayList<>();
    for (Organ organ : organs) {
      int n = 0, absent = 0, notLabelled = 0;
      double[] sum = new double[5];
      int[] count = new int[5];
      for (CaseResult c : cases) {
        for (OrganMetrics m : c.organs()) {
          if (m.organ() != organ) continue;
          if (m.status() == OrganMetrics.Status.ABSENT) {
            absent++;
            continue;
          }
          if (m.status() == OrganMetrics.Status.NOT_LABELLED) {
            notLabelled++;
            continue;
          }
          n++;
          Double[] v = {m.dice(), m.iou(), m.hd95(), m.assd(), m.nsd()};
          for (int i = 0; i < 5; i++) if (v[i] != null) { sum[i] += v[i]; count[i]++; }
        }
      }
      Double[] mean = new Double[5];
      for (int i = 0; i < 5; i++) mean[i] = count[i] == 0 ? null : sum[i] / count[i];
      out.add(new OrganMean(organ, n, absent, mean[0], mean[1], mean[2], mean[3], mean[4], notLabelled));
    }
    return out;
  }

  public String toTable() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%-12s %-26s %-14s %6s %6s %8s %8s %6s %9s %9s%n",
        "case", "organ", "status", "Dice", "IoU", "HD95_mm", "ASSD_mm", "NSD", "pred_mL", "ref_mL"));
    for (CaseResult c : cases) {
      for (OrganMetrics m : c.organs()) {
        sb.append(String.format(Locale.ROOT, "%-12s %-26s %-14s %6s %6s %8s %8s %6s %9.2f %9.2f%n", c.caseId(), m.organ().displayName(),
            m.status().label(), f(m.dice(), 3), f(m.iou(), 3), f(m.hd95(), 2), f(m.assd(), 2), f(m.nsd(), 3), m.predictedMl(), m.referenceMl()));
      }
    }
    sb.append(String.format(Locale.ROOT, "%nmean per organ (NSD at %.1f mm; cases where the organ is in neither volume count as absent)%n", nsdTolerance));
    List<OrganMean> means = means();
    boolean partial = means.stream().anyMatch(m -> m.notLabelled() > 0);
    sb.append(String.format(Locale.ROOT, "%-26s %5s %6s %6s %6s %8s %8s %6s%s%n", "organ", "cases", "absent", "Dice", "IoU", "HD95_mm", "ASSD_mm", "NSD",
        partial ? "  not_labelled" : ""));
    for (OrganMean m : means) {
      if (m.cases() == 0 && m.absent() == 0 && m.notLabelled() > 0) {
        sb.append(String.format(Locale.ROOT, "%-26s not labelled in any reference%n", m.organ().displayName()));
        continue;
      }
      sb.append(String.format(Locale.ROOT, "%-26s %5d %6d %6s %6s %8s %8s %6s%s%n", m.organ().displayName(), m.cases(), m.absent(),
          f(m.dice(), 3), f(m.iou(), 3), f(m.hd95(), 2), f(m.assd(), 2), f(m.nsd(), 3), partial ? String.format(Locale.ROOT, "  %12d", m.notLabelled()) : ""));
    }
    if (partial) sb.append("(partially labelled references: each case is scored only on the organs it labels)\n");
    return sb.toString();
  }

  public String toCsv() {
    StringBuilder sb = new StringBuilder("case,organ_id,organ,status,dice,iou,hd95_mm,assd_mm,nsd,predicted_ml,reference_ml\n");
    for (CaseResult c : cases) {
      for (OrganMetrics m : c.organs()) {
        sb.append(String.join(",", csv(c.caseId()), String.valueOf(m.organ().id()), csv(m.organ().displayName()), m.status().label(),
            g(m.dice()), g(m.iou()), g(m.hd95()), g(m.assd()), g(m.nsd()), g(m.predictedMl()), g(m.referenceMl()))).append('\n');
      }
    }
    return sb.toString();
  }

  public String toJson() {
    JsonObject root = new JsonObject();
    root.addProperty("nsd_tolerance_mm", nsdTolerance);
    JsonArray cs = new JsonArray();
    for (CaseResult c : cases) {
      JsonObject o = new JsonObject();
      o.addProperty("case", c.caseId());
      o.addProperty("prediction", c.prediction().toString());
      o.addProperty("reference", c.reference().toString());
      JsonArray organsJson = new JsonArray();
      for (OrganMetrics m : c.organs()) {
        JsonObject j = organJson(m.organ());
        j.addProperty("status", m.status().label());
        j.addProperty("dice", m.dice());
        j.addProperty("iou", m.iou());
        j.addProperty("hd95_mm", m.hd95());
        j.addProperty("assd_mm", m.assd());
        j.addProperty("nsd", m.nsd());
        j.addProperty("predicted_ml", m.predictedMl());
        j.addProperty("reference_ml", m.referenceMl());
        organsJson.add(j);
      }
      o.add("organs", organsJson);
      cs.add(o);
    }
    root.add("cases", cs);
    JsonArray means = new JsonArray();
    for (OrganMean m : means()) {
      JsonObject j = organJson(m.organ());
      j.addProperty("cases", m.cases());
      j.addProperty("absent", m.absent());
      j.addProperty("not_labelled", m.notLabelled());
      j.addProperty("dice", m.dice());
      j.addProperty("iou", m.iou());
      j.addProperty("hd95_mm", m.hd95());
      j.addProperty("assd_mm", m.assd());
      j.addProperty("nsd", m.nsd());
      means.add(j);
    }
    root.add("means", means);
    return new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(root);
  }

  private static JsonObject organJson(Organ o) {
    JsonObject j = new JsonObject();
    j.addProperty("organ_id", o.id());
    j.addProperty("organ", o.key());
    return j;
  }

  private static String f(Double v, int digits) {
    return v == null ? "-" : String.format(Locale.ROOT, "%." + digits + "f", v);
  }

  private static String g(Double v) {
    return v == null ? "" : String.format(Locale.ROOT, "%.6g", v);
  }

  private static String csv(String s) {
    return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }
}
