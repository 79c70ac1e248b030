package org.medvlm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medvlm.TestData;
import org.medvlm.data.Dataset;
import org.medvlm.data.Split;
import org.medvlm.experiment.Experiment;
import org.medvlm.experiment.ExperimentPlan;
import org.medvlm.experiment.ModelResult;
import org.medvlm.experiment.ReportWriter;
import org.medvlm.io.VolumeIO;
import org.medvlm.train.TrainingListener;

/**
 * The demo's data: phantoms and the two real patients, A training and B (converted from its DICOM
 * series) held out; a tiny experiment on them scores B and draws its overlays from B's real CT.
 */
class DemoDataTest {
  @TempDir Path tmp;

  @Test
  void realPatientBIsHeldOutAndTheReportShowsIt() throws Exception {
    assertEquals(TestData.realCt(), DemoData.locateRepositoryCopy(), "found from the compiled classes' folder");
    DemoData.Prepared data = DemoData.prepare(tmp, TestData.realCt(), 2, s -> {});
    Dataset ds = Dataset.open(data.sources());
    assertEquals(List.of("A", "B", "0001", "0002"), ds.cases().stream().map(Dataset.Case::id).toList());
    Split split = Split.of(ds.cases(), data.split().toString(), 1);
    assertEquals(List.of("B"), split.validation().stream().map(Dataset.Case::id).toList());
    Dataset.Case b = split.validation().get(0);
    assertEquals(VolumeIO.readImage(TestData.realCt().resolve("dicom_case")).geometry(), ds.load(b).image().geometry(), "B on its series' own grid");
    long liver = 0;
    for (int v : org.medvlm.volume.Volume.ints(ds.load(b).labels())) if (v == 6) liver++;
    assertEquals(366708, liver, "B's liver voxels, mapped to BTCV id 6 (real-ct/README.md)");

    ExperimentPlan plan = new ExperimentPlan(List.of("unet"), data.split().toString(), 32, 8, 1, 1, 3e-3f, 3e-4f, 8, 8, 1, 1, "cpu", false, "strong", "cosine");
    Path out = tmp.resolve("report");
    List<ModelResult> results = Experiment.run(data.sources(), out, plan, TrainingListener.SILENT, new PrintWriter(new StringWriter()));
    ReportWriter.write(out, data.sources(), plan, results, "cpu()");
    assertEquals(List.of("B"), results.get(0).validationCases());
    assertTrue(results.get(0).trainEvalCases().contains("A"), "the real training patient is scored too");
    String md = Files.readString(out.resolve("report.md"));
    assertTrue(md.contains("**validation cases**: B") && md.contains("augmentation: strong") && md.contains("real-ct (label map"), md);
    assertTrue(Files.size(out.resolve("figures/overlay-unet-liver.png")) > 1000, "an overlay on B's CT");
  }
}
