package org.medvlm.infer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.medvlm.BadInputException;
import org.medvlm.io.AtomicFiles;
import org.medvlm.io.RunOutputs;

/**
 * Batch segmentation split over the tasks of a job array: task {@code I} of {@code N} takes the
 * cases at positions {@code I, I + N, I + 2N, ...} of the sorted case list and writes its organ
 * volumes to {@code volumes.shard-I-of-N.csv}; {@link #merge} joins the shards' tables into
 * {@code volumes.csv} once every shard is there and every label file has its rows.
 */
public final class Shards {
  private static final Pattern FILE = Pattern.compile("volumes\\.shard-(\\d+)-of-(\\d+)\\.csv");

  private Shards() {}

  /** Task {@code index} of {@code count}. */
  public record Shard(int index, int count) {
    public boolean takes(int position) {
      return position % count == index;
    }

    public String csvName() {
      return "volumes.shard-" + index + "-of-" + count + ".csv";
    }
  }

  /** Parses {@code I/N} (0 <= I < N). */
  public static Shard parse(String spec) throws BadInputException {
    Matcher m = Pattern.compile("\\s*(\\d{1,6})\\s*/\\s*(\\d{1,6})\\s*").matcher(spec);
    if (!m.matches()) throw new BadInputException("{shard}", "expected I/N such as 0/8 (task I of N, 0-based), not '" + spec + "'");
    int i = Integer.parseInt(m.group(1)), n = Integer.parseInt(m.group(2));
    if (n < 1 || i >= n) throw new BadInputException("{shard}", spec + ": the task index must be 0 to N-1");
    return new Shard(i, n);
  }

  /** What a merge found. */
  public record Merged(Path file, int shards, int cases, int rows) {}

  /**
   * Joins {@code dir}'s shard tables into {@code target}: all shards of one count present, one
   * header, no case in two shards, and rows for every {@code <case>_seg.nii.gz} in the folder and,
   * when {@code input} is given, for every case of that batch folder (a case's rows are those
   * whose first column is its id or its file name). Rows are sorted by case. Nothing is written
   * when a check fails.
   */
  public static Merged merge(Path dir, Path target, Path input) throws IOException {
    if (!Files.isDirectory(dir)) throw new BadInputException(dir, "no such folder");
    RunOutputs.requireExtension(target, ".csv");
    Map<Integer, Path> byIndex = new TreeMap<>();
    int count = -1;
    List<String> labelCases = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.sorted().toList()) {
        String name = p.getFileName().toString();
        Matcher m = FILE.matcher(name);
        if (m.matches()) {
          int n = Integer.parseInt(m.group(2));
          if (count >= 0 && n != count) throw new BadInputException(p, "is a shard of " + n + " tasks but others are of " + count + "; remove the tables of the older run");
          count = n;
          byIndex.put(Integer.parseInt(m.group(1)), p);
        } else if (name.endsWith("_seg.nii.gz")) {
          labelCases.add(name.substring(0, name.length() - "_seg.nii.gz".length()));
        }
      }
    }
    if (count < 0) throw new BadInputException(dir, "holds no volumes.shard-I-of-N.csv tables (segment with {shard} I/N first)");
    TreeSet<Integer> missing = new TreeSet<>();
    for (int i = 0; i < count; i++) if (!byIndex.containsKey(i)) missing.add(i);
    if (!missing.isEmpty()) {
      throw new BadInputException(dir, "shard table(s) " + missing + " of " + count + " missing: those array tasks have not finished; run them again");
    }
    RunOutputs.refuseReplacingInputs(target, byIndex.values());
    if (input != null) RunOutputs.refuseReplacingInputs(target, input);
    String header = null;
    Map<String, List<String>> rows = new TreeMap<>();
    Map<String, Integer> owner = new LinkedHashMap<>();
    for (var e : byIndex.entrySet()) {
      List<String> lines = Files.readAllLines(e.getValue());
      if (lines.isEmpty()) throw new BadInputException(e.getValue(), "is empty (no header)");
      if (header == null) header = lines.get(0);
      else if (!header.equals(lines.get(0))) throw new BadInputException(e.getValue(), "has the header '" + lines.get(0) + "', others '" + header + "'");
      for (String line : lines.subList(1, lines.size())) {
        if (line.isBlank()) continue;
        String id = line.split(",", 2)[0];
        Integer before = owner.putIfAbsent(id, e.getKey());
        if (before != null && before.intValue() != e.getKey()) {
          throw new BadInputException(e.getValue(), "case " + id + " is also in shard " + before + ": tables of different runs are mixed");
        }
        rows.computeIfAbsent(id, k -> new ArrayList<>()).add(line);
      }
    }
    List<String> without = new ArrayList<>();
    if (input != null) {
      for (var c : CaseFolder.list(input).entrySet()) {
        // rows name a case by case id (the CLI) or by file name (the batch macro, and old Fiji tables with the extension)
        String file = c.getValue().getFileName().toString();
        if (!rows.containsKey(c.getKey()) && !rows.containsKey(CaseNames.FILE_NAME.of(c.getValue())) && !rows.containsKey(file)) without.add(c.getKey());
      }
      if (!without.isEmpty()) {
        throw new BadInputException(dir, without.size() + " case(s) of " + input + " without volumes in any shard table (" + String.join(", ", without.subList(0, Math.min(5, without.size())))
            + (without.size() > 5 ? ", ..." : "") + "): their array tasks failed or have not run; run them again");
      }
    }
    for (String c : labelCases) {
      if (!rows.containsKey(c) && !rows.containsKey(c + ".nii.gz") && !rows.containsKey(c + ".nii")) without.add(c);
    }
    if (!without.isEmpty()) {
      throw new BadInputException(dir, without.size() + " label file(s) without volumes in any shard table (" + String.join(", ", without.subList(0, Math.min(5, without.size())))
          + (without.size() > 5 ? ", ..." : "") + "): run their array tasks again");
    }
    StringBuilder b = new StringBuilder(header).append('\n');
    int n = 0;
    for (List<String> r : rows.values()) {
      for (String line : r) b.append(line).append('\n');
      n += r.size();
    }
    AtomicFiles.writeText(target, true, b.toString());
    return new Merged(target, count, rows.size(), n);
  }
}
