package org.medvlm.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medvlm.data.PhantomGenerator;

/** A folder segmented in shards, as the tasks of a job array do, and the shards' tables merged. */
class BatchShardsCliTest {
  @TempDir static Path shared;
  static Path run;
  static Path in;

  @BeforeAll
  static void modelAndCases() throws Exception {
    Path data = shared.resolve("data");
    run = shared.resolve("run");
    in = shared.resolve("in");
    PhantomGenerator.writeDataset(data, 5, 3, 64, false, s -> {});
    CliTest.Result r = CliTest.run("train", "--model", "unet", "--data", data.toString(), "--val-cases", "1", "--out", run.toString(),
        "--epochs", "1", "--size", "32", "--spacing", "6", "--width", "4", "--depth", "2", "--organs", "spleen,liver", "--device", "cpu");
    assertEquals(0, r.code(), r.err());
    Files.createDirectories(in);
    try (Stream<Path> s = Files.list(data.resolve("img"))) {
      for (Path p : s.sorted().toList()) Files.copy(p, in.resolve(p.getFileName()));
    }
  }

  static CliTest.Result shard(Path out, String spec) {
    return CliTest.run("segment", "--model", run.toString(), "--input", in.toString(), "--out", out.toString(), "--device", "cpu", "--shard", spec);
  }

  @Test
  void shardsSegmentEachCaseOnceAndMergeIntoOneTable() throws Exception {
    Path out = shared.resolve("out");
    CliTest.Result a = shard(out, "0/2");
    assertEquals(0, a.code(), a.err());
    assertTrue(a.err().contains("shard 0 of 2: 3 case(s)"), a.err());
    // before the second task has run, the merge refuses and writes nothing
    CliTest.assertError(CliTest.run("merge-volumes", out.toString()), 2, "shard table(s) [1] of 2 missing");
    assertFalse(Files.exists(out.resolve("volumes.csv")));
    CliTest.Result b = shard(out, "1/2");
    assertEquals(0, b.code(), b.err());
    assertTrue(b.err().contains("shard 1 of 2: 2 case(s)"), b.err());
    try (Stream<Path> s = Files.list(out)) {
      assertEquals(5, s.filter(p -> p.getFileName().toString().endsWith("_seg.nii.gz")).count(), "every case segmented once");
    }
    // a requeued task redoes nothing
    CliTest.Result again = shard(out, "0/2");
    assertEquals(0, again.code(), again.err());
    assertEquals(3, again.err().lines().filter(l -> l.contains("done already, skipped")).count(), again.err());

    CliTest.Result m = CliTest.run("merge-volumes", out.toString(), "--input", in.toString());
    assertEquals(0, m.code(), m.err());
    assertTrue(m.out().contains("merged 2 shard tables: 5 cases, 10 rows"), m.out());
    List<String> lines = Files.readAllLines(out.resolve("volumes.csv"));
    assertEquals("case,organ_id,organ,volume_ml", lines.get(0), "one row per case and organ, the table Fiji and the macro write");
    assertEquals(List.of("0001", "0002", "0003", "0004", "0005"), lines.subList(1, 11).stream().map(l -> l.split(",")[0]).distinct().toList());
    assertEquals(List.of("spleen", "liver"), lines.subList(1, 3).stream().map(l -> l.split(",")[2]).toList());

    // a case lost from its shard's table is caught, against the label files and the input folder
    Path t1 = out.resolve("volumes.shard-1-of-2.csv");
    List<String> shard1 = Files.readAllLines(t1);
    String lastCase = shard1.get(shard1.size() - 1).split(",")[0];
    Files.write(t1, shard1.stream().filter(l -> !l.startsWith(lastCase + ",")).toList());
    CliTest.assertError(CliTest.run("merge-volumes", out.toString(), "--out", shared.resolve("m.csv").toString()), 2, "1 label file(s) without volumes");
    Files.delete(out.resolve("0004_seg.nii.gz"));
    CliTest.assertError(CliTest.run("merge-volumes", out.toString(), "--out", shared.resolve("m.csv").toString(), "--input", in.toString()), 2,
        "1 case(s) of " + in + " without volumes in any shard table (0004)");
    assertFalse(Files.exists(shared.resolve("m.csv")));
    Files.writeString(out.resolve("volumes.shard-0-of-3.csv"), "case\n");
    CliTest.assertError(CliTest.run("merge-volumes", out.toString()), 2, "is a shard of 3 tasks but others are of 2");
  }

  @Test
  void shardOptionsAreChecked() throws Exception {
    Path out = shared.resolve("bad");
    CliTest.assertError(shard(out, "2/2"), 2, "--shard: 2/2: the task index must be 0 to N-1");
    CliTest.assertError(shard(out, "x"), 2, "expected I/N such as 0/8");
    CliTest.assertError(CliTest.run("segment", "--model", run.toString(), "--input", in.resolve("0001.nii.gz").toString(), "--out", out.resolve("a.nii.gz").toString(),
        "--shard", "0/2"), 2, "splits a folder of cases");
    CliTest.assertError(CliTest.run("merge-volumes", shared.resolve("none").toString()), 2, "no such folder");
  }
}
