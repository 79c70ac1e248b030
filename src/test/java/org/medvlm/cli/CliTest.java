package org.medvlm.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medvlm.TestData;
import org.medvlm.io.NiftiReader;
import org.medvlm.volume.Volume;

/** The command line as a user meets it: output, exit codes and one-line errors. */
class CliTest {
  @TempDir Path tmp;

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter(), err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }

  /** The run failed with {@code code} and printed a one-line error containing {@code expected} (other lines may precede it). */
  static void assertError(Result r, int code, String expected) {
    assertEquals(code, r.code(), r.err() + r.out());
    assertTrue(r.err().lines().anyMatch(l -> l.startsWith("medvlm: error: ") && l.contains(expected)), "expected '" + expected + "' in: " + r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace without --debug: " + r.err());
  }

  private static void assertOneLineError(Result r, int code, String expected) {
    assertEquals(code, r.code(), r.err());
    String first = r.err().lines().findFirst().orElse("");
    assertTrue(first.startsWith("medvlm: error: "), r.err());
    assertTrue(first.contains(expected), "expected '" + expected + "' in: " + first);
    assertFalse(r.err().contains("\tat "), "no stack trace without --debug: " + r.err());
  }

  @Test
  void infoReportsTheSmallRealCt() {
    Result r = run("info", TestData.ctSmall().toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("122 x 101 x 30 voxels"), r.out());
    assertTrue(r.out().contains("[3.00000, 3.00000, 3.00000]"), r.out());
    assertTrue(r.out().contains("orientation: RAS"), r.out());
    assertTrue(r.out().contains("int16"), r.out());
    Result j = run("info", "--json", TestData.ctSmall().toString());
    JsonObject o = JsonParser.parseString(j.out()).getAsJsonObject();
    assertEquals(122, o.getAsJsonArray("size").get(0).getAsInt());
    assertEquals(-1100, o.getAsJsonArray("value_range").get(0).getAsDouble());
  }

  @Test
  void infoOnDicomFolderAndOnAFolderOfNiftiFiles() {
    Result r = run("info", "src/test/resources/dicom/j2k_signed");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("DICOM series") && r.out().contains("20 x 16 x 5 voxels") && r.out().contains("LPS"), r.out());
    Result all = run("info", TestData.realCt().toString());
    assertEquals(0, all.code(), all.err());
    assertEquals(5, all.out().split("path:", -1).length - 1, "the five NIfTI files of the real-CT folder: " + all.out());
  }

  @Test
  void evaluateTheRealSegmentationAgainstItself() throws Exception {
    Path json = tmp.resolve("m.json");
    Path csv = tmp.resolve("m.csv");
    Result r = run("evaluate", "--pred", TestData.seg().toString(), "--truth", TestData.seg().toString(),
        "--label-map", TestData.totalSegMap().toString(), "--json", json.toString(), "--csv", csv.toString());
    assertEquals(0, r.code(), r.err());
    JsonObject o = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    var organs = o.getAsJsonArray("cases").get(0).getAsJsonObject().getAsJsonArray("organs");
    int ones = 0;
    for (var e : organs) {
      JsonObject m = e.getAsJsonObject();
      if (m.get("organ").getAsString().equals("esophagus")) {
        assertEquals("absent", m.get("status").getAsString());
        assertTrue(m.get("dice").isJsonNull());
      } else {
        assertEquals(1.0, m.get("dice").getAsDouble());
        ones++;
      }
    }
    assertEquals(12, ones);
    assertEquals(14, Files.readAllLines(csv).size());
    Result again = run("evaluate", "--pred", TestData.seg().toString(), "--truth", TestData.seg().toString(),
        "--label-map", TestData.totalSegMap().toString(), "--json", json.toString());
    assertOneLineError(again, 2, "already exists");
  }

  @Test
  void evaluateWithoutLabelMapRefusesNonBtcvIds() {
    Result r = run("evaluate", "--pred", TestData.seg().toString(), "--truth", TestData.seg().toString());
    assertOneLineError(r, 2, "is not a BTCV id");
    assertTrue(r.err().contains(TestData.seg().toString()));
  }

  @Test
  void convertDicomToRasNiftiAndResampleLabels() throws Exception {
    Path out = tmp.resolve("ct.nii.gz");
    Result r = run("convert", "src/test/resources/dicom/explicit_signed", out.toString(), "--orient", "ras");
    assertEquals(0, r.code(), r.err());
    Volume<?> v = NiftiReader.readImage(out);
    assertEquals("RAS", v.geometry().orientationCode());
    Path lab = tmp.resolve("seg.nii.gz");
    Result l = run("convert", TestData.seg().toString(), lab.toString(), "--label", "--spacing", "1.5,1.5,0");
    assertEquals(0, l.code(), l.err());
    var s = NiftiReader.readLabels(lab);
    assertArrayEquals(new int[] {244, 202, 30}, s.dims());
    Result exists = run("convert", TestData.seg().toString(), lab.toString(), "--label");
    assertOneLineError(exists, 2, "already exists (use --overwrite");
  }

  @Test
  void badInputAndUsageGiveExitTwo() throws Exception {
    assertOneLineError(run("info", tmp.resolve("missing.nii.gz").toString()), 2, "missing.nii.gz: no such file");
    Path junk = tmp.resolve("junk.nii");
    Files.writeString(junk, "not a volume at all, just text");
    assertOneLineError(run("info", junk.toString()), 2, "junk.nii: not a NIfTI file");
    assertOneLineError(run("info", Files.createDirectory(tmp.resolve("empty")).toString()), 2, "holds no NIfTI files");
    assertOneLineError(run("evaluate", "--pred", "a.nii", "--truth", "b.nii", "--organs", "heart"), 2, "--organs: unknown organ 'heart'");
    assertOneLineError(run("convert", TestData.ctSmall().toString(), tmp.resolve("o.nii").toString(), "--orient", "XYZ"), 2, "--orient");
    assertOneLineError(run("frobnicate"), 2, "frobnicate: unknown subcommand");
    assertOneLineError(run("phantom", "--cases", "3"), 2, "--out: required but missing");
    assertOneLineError(run("phantom", "--out", "x", "--cases", "many"), 2, "--cases: Invalid value");
    assertOneLineError(run("convert", TestData.ctSmall().toString(), "/nonexistent-dir/out.nii"), 2, "folder does not exist");
    Result debug = run("--debug", "info", junk.toString());
    assertEquals(2, debug.code());
    assertTrue(debug.err().contains("\tat "), "stack trace with --debug");
  }

  @Test
  void unwritableOutputFolder() throws Exception {
    Path ro = Files.createDirectory(tmp.resolve("ro"));
    ro.toFile().setWritable(false);
    try {
      org.junit.jupiter.api.Assumptions.assumeFalse(Files.isWritable(ro), "running as root: folder permissions do not apply");
      assertOneLineError(run("convert", TestData.ctSmall().toString(), ro.resolve("o.nii").toString()), 2, "permission denied");
    } finally {
      ro.toFile().setWritable(true);
    }
  }

  @Test
  void phantomCommandWritesBtcvLayout() {
    Result r = run("phantom", "--out", tmp.resolve("ph").toString(), "--cases", "2", "--size", "40", "--seed", "3");
    assertEquals(0, r.code(), r.err());
    assertTrue(Files.exists(tmp.resolve("ph/img/img0002.nii.gz")));
    assertTrue(Files.exists(tmp.resolve("ph/label/label0001.nii.gz")));
    assertOneLineError(run("phantom", "--out", tmp.resolve("x").toString(), "--size", "8"), 2, "--size: must be 32 to 1024");
  }

  @Test
  void everySubcommandHasHelp() {
    var commands = new picocli.CommandLine(new Main()).getSubcommands().keySet();
    assertTrue(commands.containsAll(java.util.List.of("info", "convert", "evaluate", "phantom", "bench", "segment", "train")), commands.toString());
    java.io.PrintStream stderr = System.err;
    for (String c : commands) {
      // picocli warns on System.err about a description it cannot format (a lone % sign) and prints it raw
      var warnings = new java.io.ByteArrayOutputStream();
      System.setErr(new java.io.PrintStream(warnings, true));
      Result r;
      try {
        r = run(c, "--help");
      } finally {
        System.setErr(stderr);
      }
      assertEquals(0, r.code(), c);
      assertTrue(r.out().contains("Usage: medvlm " + c), r.out());
      assertFalse(warnings.toString().contains("picocli WARN"), c + ": " + warnings);
    }
  }

  @Test
  void smallIoBenchmarkRuns() throws Exception {
    Path json = tmp.resolve("bench.json");
    Result r = run("bench", "io", "--size", "64", "--slices", "20", "--repeats", "1", "--json", json.toString());
    assertEquals(0, r.code(), r.err());
    JsonObject o = JsonParser.parseString(Files.readString(json)).getAsJsonObject().getAsJsonObject("io");
    assertTrue(o.get("readSeconds").getAsDouble() > 0);
    assertTrue(o.get("peakHeapBytes").getAsLong() > 0);
  }
}
