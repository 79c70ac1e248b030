package org.medvlm.fiji;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medvlm.BadInputException;
import org.medvlm.TestData;

/** The Fiji commands refuse an output that would replace what they read, before reading anything. */
class SegmentActionOutputsTest {
  @TempDir Path tmp;

  private static SegmentAction.Request request(Path input, Path model, Path output, Path csv) {
    return new SegmentAction.Request(null, input, SegmentAction.ALL, null, model, "cpu", output, null, true, csv);
  }

  @Test
  void outputsNeverReplaceTheInputOrTheModel() throws Exception {
    Path ct = Files.copy(TestData.ctSmall(), tmp.resolve("ct.nii.gz"));
    Path model = Files.writeString(tmp.resolve("m.ckpt"), "not read: refused before");
    byte[] before = Files.readAllBytes(ct);
    BadInputException e = assertThrows(BadInputException.class, () -> SegmentAction.run(request(ct, model, ct, null), s -> {}));
    assertTrue(e.getMessage().contains("which this run reads"), e.getMessage());
    e = assertThrows(BadInputException.class, () -> SegmentAction.run(request(ct, model, tmp.resolve("seg.nii.gz"), model), s -> {}));
    assertTrue(e.getMessage().contains("output name must end with .csv"), e.getMessage());
    e = assertThrows(BadInputException.class, () -> SegmentAction.run(request(ct, model, tmp.resolve("seg.txt"), null), s -> {}));
    assertTrue(e.getMessage().contains("must end with .nii.gz or .nii"), e.getMessage());
    assertArrayEquals(before, Files.readAllBytes(ct));
  }

  @Test
  void evaluateNeverReplacesItsInputs() throws Exception {
    Path pred = Files.copy(TestData.seg(), tmp.resolve("pred.nii.gz"));
    Path map = Files.copy(TestData.totalSegMap(), tmp.resolve("map.csv"));
    BadInputException e = assertThrows(BadInputException.class, () -> EvaluateAction.run(pred, TestData.seg(), map, map, s -> {}));
    assertTrue(e.getMessage().contains("which this run reads"), e.getMessage());
    assertThrows(BadInputException.class, () -> EvaluateAction.run(pred, TestData.seg(), null, pred, s -> {}));
  }
}
