package org.medvlm.io;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medvlm.BadInputException;

/** No output may replace a file the same run reads, whatever the path says. */
class RunOutputsTest {
  @TempDir Path tmp;

  @Test
  void anOutputIsNeverAnInputByAnyName() throws Exception {
    Path ct = Files.writeString(tmp.resolve("ct.nii.gz"), "x");
    Path link = Files.createSymbolicLink(tmp.resolve("link.nii.gz"), ct);
    Files.createDirectories(tmp.resolve("sub"));
    for (Path same : new Path[] {ct, link, tmp.resolve("sub/../ct.nii.gz"), Path.of(tmp.toString(), ".", "ct.nii.gz")}) {
      BadInputException e = assertThrows(BadInputException.class, () -> RunOutputs.refuseReplacingInputs(same, ct), same.toString());
      assertTrue(e.getMessage().contains("which this run reads"), e.getMessage());
    }
    // the link as input, the real file as output: the same file
    assertThrows(BadInputException.class, () -> RunOutputs.refuseReplacingInputs(ct, link));
    RunOutputs.refuseReplacingInputs(tmp.resolve("seg.nii.gz"), ct); // another file is fine
    RunOutputs.refuseReplacingInputs(tmp.resolve("seg.nii.gz"), tmp.resolve("missing.nii.gz"), null);
  }

  @Test
  void nothingGoesInsideAnInputFolder() throws Exception {
    Path run = Files.createDirectories(tmp.resolve("run"));
    Path best = Files.writeString(run.resolve("best.ckpt"), "x");
    assertThrows(BadInputException.class, () -> RunOutputs.refuseReplacingInputs(best, run));
    // a new file in a DICOM folder would be read as a slice next time
    assertThrows(BadInputException.class, () -> RunOutputs.refuseReplacingInputs(run.resolve("new.nii.gz"), run));
    RunOutputs.refuseReplacingInputs(tmp.resolve("beside.nii.gz"), run);
    assertThrows(BadInputException.class, () -> RunOutputs.refuseFolderInsideInput(run.resolve("out"), run));
    assertThrows(BadInputException.class, () -> RunOutputs.refuseFolderInsideInput(run, run));
    RunOutputs.refuseFolderInsideInput(tmp.resolve("elsewhere"), run);
  }

  @Test
  void outputsHaveTheirOwnExtension() throws Exception {
    RunOutputs.requireExtension(tmp.resolve("v.CSV"), ".csv");
    BadInputException e = assertThrows(BadInputException.class, () -> RunOutputs.requireExtension(tmp.resolve("best.ckpt"), ".csv", ".json"));
    assertTrue(e.getMessage().endsWith("output name must end with .csv or .json"), e.getMessage());
  }
}
