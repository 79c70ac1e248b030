package org.medvlm.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.medvlm.BadInputException;
import org.medvlm.data.LabelMap;
import org.medvlm.data.Organ;
import org.medvlm.data.OrganSet;
import org.medvlm.io.AtomicFiles;
import org.medvlm.io.RunOutputs;
import org.medvlm.metrics.EvaluationReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = {"Compare predicted label maps with references: Dice, IoU, HD95, ASSD, normalised surface Dice, volumes.",
        "Files, or folders matched by case id (img0001, label0001 and 0001_seg are all case 0001).",
        "Organs absent from both sides are reported as absent, not as 0 or 1; organs the references do not label",
        "(partially labelled sets: --labelled, or the organs a reference label map names) as not labelled, outside the means."})
final class EvaluateCommand implements Callable<Integer> {
  @Option(names = "--pred", required = true, paramLabel = "P", description = "Predicted label file or folder.")
  Path pred;

  @Option(names = "--truth", required = true, paramLabel = "T", description = "Reference label file or folder.")
  Path truth;

  @Option(names = "--label-map", paramLabel = "TSV", description = "Map other label ids to BTCV ids, for both sides (e.g. totalsegmentator-to-btcv.tsv).")
  Path labelMap;

  @Option(names = "--truth-label-map", paramLabel = "TSV", description = "Map for the references only (overrides --label-map there).")
  Path truthLabelMap;

  @Option(names = "--organs", defaultValue = "all", paramLabel = "LIST", description = "Organs to evaluate, e.g. spleen,liver (default: all).")
  String organs;

  @Option(names = "--labelled", paramLabel = "LIST",
      description = "Organs the references label, e.g. liver for a liver-only set (default: the organs --truth-label-map or --label-map maps to, else all).")
  String labelled;

  @Option(names = "--nsd-tolerance", defaultValue = "2.0", paramLabel = "MM", description = "Tolerance of the normalised surface Dice in mm (default: ${DEFAULT-VALUE}).")
  double nsdTolerance;

  @Option(names = "--json", paramLabel = "OUT", description = "Also write all results as JSON.")
  Path json;

  @Option(names = "--csv", paramLabel = "OUT", description = "Also write one CSV row per case and organ.")
  Path csv;

  @Option(names = "--overwrite", description = "Replace existing --json/--csv outputs.")
  boolean overwrite;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    List<Organ> list = Organ.parseList(organs);
    if (!(nsdTolerance >= 0)) throw new BadInputException("--nsd-tolerance", "must be >= 0");
    List<Path> inputs = java.util.Arrays.asList(pred, truth, labelMap, truthLabelMap);
    if (json != null) RunOutputs.check(json, overwrite, inputs, ".json");
    if (csv != null) RunOutputs.check(csv, overwrite, inputs, ".csv");
    if (json != null && csv != null && json.toAbsolutePath().normalize().equals(csv.toAbsolutePath().normalize())) {
      throw new BadInputException("--csv", "names the same file as --json");
    }
    LabelMap both = labelMap == null ? null : LabelMap.read(labelMap);
    LabelMap truthMap = truthLabelMap == null ? both : LabelMap.read(truthLabelMap);
    OrganSet covered = OrganSet.labelledBy(labelled, truthMap);
    EvaluationReport report = EvaluationReport.run(pred, truth, both, truthMap, list, covered, nsdTolerance);
    spec.commandLine().getOut().print(report.toTable());
    if (json != null) AtomicFiles.writeText(json, overwrite, report.toJson());
    if (csv != null) AtomicFiles.writeText(csv, overwrite, report.toCsv());
    return Main.OK;
  }
}
