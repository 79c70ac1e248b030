package org.medvlm.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medvlm.data.Dataset;
import org.medvlm.data.PhantomGenerator;
import org.medvlm.train.TrainingListener;

/** A tiny experiment writes the whole report, and a rerun skips the finished models. */
class ExperimentTest {
  @TempDir Path tmp;

  @Test
  void tinyExperimentWritesTheReportAndResumes() throws Exception {
    Path data = tmp.resolve("data");
    PhantomGenerator.writeDataset(data, 3, 4, 64, false, s -> {});
    Path out = tmp.resolve("out");
    ExperimentPlan plan = new ExperimentPlan(List.of("unet", "medvlm-tiny"), "2/1", 32, 6, 2, 1, 3e-3f, 3e-4f, 8, 8, 1, 1, "cpu", false, ExperimentPlan.STUDY_AUGMENT, ExperimentPlan.STUDY_SCHEDULE);
    List<Dataset.Source> sources = List.of(new Dataset.Source(data, null));
    List<ModelResult> results = Experiment.run(sources, out, plan, TrainingListener.SILENT, new PrintWriter(new StringWriter()));
    ReportWriter.write(out, sources, plan, results, "cpu()");
    for (String f : List.of("report.md", "report.html", "results.json", "figures/curves-unet.png", "figures/dice-unet.png", "figures/overlay-unet-liver.png",
        "figures/curves-medvlm-tiny.png", "figures/overlay-medvlm-tiny-spleen.png")) {
      assertTrue(Files.size(out.resolve(f)) > 100, f);
    }
    String md = Files.readString(out.resolve("report.md"));
    assertTrue(md.contains("| unet | ") && md.contains("| medvlm-tiny | ") && md.contains("| left adrenal gland |"), md);
    assertTrue(md.contains("0.380 | 0.240"), "the study's U-Net figures beside ours");
    String html = Files.readString(out.resolve("report.html"));
    assertTrue(html.contains("<table>") && html.contains("<img src=\"figures/dice-unet.png\""), html);
    var json = JsonParser.parseString(Files.readString(out.resolve("results.json"))).getAsJsonObject();
    assertEquals(2, json.getAsJsonArray("models").size());
    assertTrue(json.getAsJsonObject("setup").get("engine").getAsString().startsWith("PyTorch"));
    // a rerun takes the finished models from their result.json
    StringWriter log = new StringWriter();
    List<ModelResult> again = Experiment.run(sources, out, plan, TrainingListener.SILENT, new PrintWriter(log, true));
    assertTrue(log.toString().contains("unet finished already") && log.toString().contains("medvlm-tiny finished already"), log.toString());
    assertEquals(results.get(0).valDice(), again.get(0).valDice());
  }
}
