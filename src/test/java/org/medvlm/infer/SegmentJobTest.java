package org.medvlm.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medvlm.BadInputException;
import org.medvlm.data.PhantomGenerator;
import org.medvlm.io.NiftiReader;
import org.medvlm.volume.Volume;

/**
 * The one segmentation job, with the real starter model on phantoms: progress per batch of
 * slices, cancel leaving no file behind, the batch halved when memory runs out.
 */
class SegmentJobTest {
  @TempDir static Path tmp;
  static Path cases;

  @BeforeAll
  static void phantoms() throws Exception {
    PhantomGenerator.writeDataset(tmp.resolve("ph"), 2, 5, 64, false, s -> {});
    cases = tmp.resolve("ph").resolve("img");
  }

  private static SegmentRequest request(Path input, Path output, int batch) throws Exception {
    return new SegmentRequest(StarterModel.file(), input, output, null, null, false, "cpu", batch, true, null, false, null, false);
  }

  /** Records what the job reports; cancels once {@code cancelAfter} batches are done (0: never). */
  static final class Recorder implements JobListener {
    final List<int[]> slices = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();
    final CancelToken cancel = new CancelToken();
    int cancelAfter;

    @Override
    public void slicesDone(int done, int total) {
      slices.add(new int[] {done, total});
      if (cancelAfter > 0 && slices.size() >= cancelAfter) cancel.cancel();
    }

    @Override
    public void warning(String line) {
      warnings.add(line);
    }
  }

  @Test
  void progressIsReportedPerBatchOfSlices() throws Exception {
    Path ct = Files.list(cases).sorted().findFirst().orElseThrow();
    Recorder r = new Recorder();
    SegmentJob.run(request(ct, tmp.resolve("one.nii.gz"), 4), r, r.cancel);
    int depth = NiftiReader.readImage(ct).dims()[2];
    assertEquals((depth + 3) / 4, r.slices.size(), "one report per batch of 4 slices");
    for (int i = 0; i < r.slices.size(); i++) assertArrayEquals(new int[] {Math.min(4 * (i + 1), depth), depth}, r.slices.get(i));
  }

  @Test
  void aCancelledJobLeavesNoPartialOutput() throws Exception {
    Path out = tmp.resolve("cancelled");
    Recorder r = new Recorder();
    r.cancelAfter = 1; // after the first batch of the first case
    assertThrows(SliceProgress.Cancelled.class, () -> SegmentJob.run(request(cases, out, 2), r, r.cancel));
    assertEquals(1, r.slices.size(), "stopped at the next batch");
    try (Stream<Path> s = Files.list(out)) {
      assertEquals(List.of(), s.toList(), "no label file, no temporary, no volumes table");
    }
    // started again, it segments everything
    Recorder again = new Recorder();
    SegmentJob.Outcome o = SegmentJob.run(request(cases, out, 2), again, again.cancel);
    assertEquals(2, o.done());
    assertTrue(Files.exists(out.resolve("volumes.csv")));
  }

  /** The CLI names a folder's outputs by case id, the batch macro by file name; both tables merge against the input. */
  @Test
  void folderCasesAreNamedByCaseIdOrByFileName() throws Exception {
    List<String> stems = new ArrayList<>();
    try (Stream<Path> s = Files.list(cases)) {
      for (Path p : s.sorted().toList()) stems.add(org.medvlm.io.CaseId.stem(p));
    }
    Path byId = tmp.resolve("by-id");
    SegmentRequest r = request(cases, byId, 8);
    SegmentJob.run(r, new Recorder(), new CancelToken());
    Path byName = tmp.resolve("by-name");
    SegmentRequest m = new SegmentRequest(r.model(), cases, byName, null, null, false, "cpu", 8, true, null, false, null, false, CaseNames.FILE_NAME);
    SegmentJob.run(m, new Recorder(), new CancelToken());
    for (String stem : stems) {
      assertTrue(Files.exists(byName.resolve(stem + "_seg.nii.gz")), stem);
      String id = org.medvlm.io.CaseId.of(Path.of(stem + ".nii.gz"));
      assertTrue(!id.equals(stem) && Files.exists(byId.resolve(id + "_seg.nii.gz")), id);
    }
    List<String> idRows = Files.readAllLines(byId.resolve("volumes.csv"));
    List<String> nameRows = Files.readAllLines(byName.resolve("volumes.csv"));
    assertEquals(stems, nameRows.subList(1, nameRows.size()).stream().map(l -> l.split(",")[0]).distinct().toList());
    assertEquals(idRows.size(), nameRows.size());
    for (int i = 1; i < idRows.size(); i++) {
      assertEquals(idRows.get(i).substring(idRows.get(i).indexOf(',')), nameRows.get(i).substring(nameRows.get(i).indexOf(',')), "same volumes");
    }
    for (Path out : List.of(byId, byName)) {
      Files.move(out.resolve("volumes.csv"), out.resolve("volumes.shard-0-of-1.csv"));
      assertEquals(stems.size(), Shards.merge(out, out.resolve("volumes.csv"), cases).cases(), "merge-volumes checks the cases of " + out);
    }
  }

  @Test
  void runningOutOfMemoryHalvesTheBatchAndFinishes() throws Exception {
    Path ct = Files.list(cases).sorted().findFirst().orElseThrow();
    Recorder r = new Recorder();
    List<Integer> tried = new ArrayList<>();
    Volume<net.imglib2.type.numeric.integer.IntType> labels;
    try (Segmenter seg = Segmenter.open(StarterModel.file(), ai.djl.Device.cpu())) {
      var image = NiftiReader.readImage(ct);
      // a test double for a device with little memory: every batch above 2 slices runs out
      labels = SegmentJob.halvingBatchOnOutOfMemory(8, r, batch -> {
        tried.add(batch);
        if (batch > 2) throw new OutOfMemoryError("Java heap space");
        return seg.segment(image, seg.organs(), batch, true, SliceProgress.NONE).labels();
      });
      assertEquals(List.of(8, 4, 2), tried);
      assertEquals(List.of("out of memory with 8 slices per batch; trying again with 4", "out of memory with 4 slices per batch; trying again with 2"), r.warnings);
      assertArrayEquals(Volume.ints(seg.segment(image, seg.organs(), 8, true, SliceProgress.NONE).labels()), Volume.ints(labels), "the batch size changes no label");
    }
    Recorder atOne = new Recorder();
    BadInputException e = assertThrows(BadInputException.class, () -> SegmentJob.halvingBatchOnOutOfMemory(2, atOne, batch -> {
      throw new OutOfMemoryError("Java heap space");
    }));
    assertTrue(e.getMessage().startsWith("{batch}: out of memory even with one slice per batch"), e.getMessage());
    assertEquals(List.of("out of memory with 2 slices per batch; trying again with 1"), atOne.warnings);
    // an engine error that is not about memory is not retried
    List<Integer> once = new ArrayList<>();
    Recorder other = new Recorder();
    assertThrows(ai.djl.engine.EngineException.class, () -> SegmentJob.halvingBatchOnOutOfMemory(8, other, batch -> {
      once.add(batch);
      throw new ai.djl.engine.EngineException("shape mismatch");
    }));
    assertEquals(List.of(8), once);
    assertEquals(List.of(), other.warnings);
  }
}
