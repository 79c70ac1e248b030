package org.medvlm.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.medvlm.BadInputException;

/**
 * A train/validation split by case (never by slice, so no patient is on both sides).
 * Deterministic: the same cases and seed give the same split on every machine.
 */
public record Split(List<Dataset.Case> train, List<Dataset.Case> validation) {
  /**
   * Parses "24/6" (train/validation counts; must add up to at most the case count),
   * "fold:K/N" (cross-validation: the seeded case order cut into N folds of sizes differing by at
   * most one, fold K, 0-based, validates; one Slurm array task per fold), a file of validation
   * case ids (one per line), or null for the default: the study's 24/6 for 30 cases, else 20%
   * validation (at least 1).
   */
  public static Split of(List<Dataset.Case> cases, String spec, long seed) throws IOException {
    if (cases.size() < 2) throw new BadInputException("{split}", "need at least 2 cases, have " + cases.size());
    if (spec != null && spec.strip().startsWith("fold:")) return fold(cases, spec.strip(), seed);
    if (spec != null && spec.matches("\\s*\\d+\\s*/\\s*\\d+\\s*")) {
      String[] p = spec.split("/");
      int nTrain = Integer.parseInt(p[0].trim()), nVal = Integer.parseInt(p[1].trim());
      if (nTrain < 1 || nVal < 1 || nTrain + nVal > cases.size()) {
        throw new BadInputException("{split}", spec + " does not fit " + cases.size() + " cases");
      }
      return random(cases, nTrain, nVal, seed);
    }
    if (spec != null) return fromFile(cases, Path.of(spec));
    int nVal = Math.max(1, (int) Math.round(cases.size() * 0.2));
    return random(cases, cases.size() - nVal, nVal, seed);
  }

  private static Split fold(List<Dataset.Case> cases, String spec, long seed) throws BadInputException {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("fold:\\s*(\\d+)\\s*/\\s*(\\d+)").matcher(spec);
    if (!m.matches()) throw new BadInputException("{split}", "expected fold:K/N, e.g. fold:0/5, not '" + spec + "'");
    int k = Integer.parseInt(m.group(1)), n = Integer.parseInt(m.group(2));
    if (n < 2 || n > cases.size()) throw new BadInputException("{split}", spec + ": need 2 to " + cases.size() + " folds for " + cases.size() + " cases");
    if (k >= n) throw new BadInputException("{split}", spec + ": folds are numbered 0 to " + (n - 1));
    List<Dataset.Case> sorted = new ArrayList<>(cases);
    sorted.sort((a, b) -> a.id().compareTo(b.id()));
    Collections.shuffle(sorted, new Random(seed));
    int from = k * (cases.size() / n) + Math.min(k, cases.size() % n);
    int to = from + cases.size() / n + (k < cases.size() % n ? 1 : 0);
    List<Dataset.Case> val = new ArrayList<>(sorted.subList(from, to));
    List<Dataset.Case> train = new ArrayList<>(sorted.subList(0, from));
    train.addAll(sorted.subList(to, sorted.size()));
    val.sort((a, b) -> a.id().compareTo(b.id()));
    train.sort((a, b) -> a.id().compareTo(b.id()));
    return new Split(List.copyOf(train), List.copyOf(val));
  }

  private static Split random(List<Dataset.Case> cases, int nTrain, int nVal, long seed) {
    List<Dataset.Case> sorted = new ArrayList<>(cases);
    sorted.sort((a, b) -> a.id().compareTo(b.id()));
    Collections.shuffle(sorted, new Random(seed));
    List<Dataset.Case> val = new ArrayList<>(sorted.subList(0, nVal));
    List<Dataset.Case> train = new ArrayList<>(sorted.subList(nVal, nVal + nTrain));
    val.sort((a, b) -> a.id().compareTo(b.id()));
    train.sort((a, b) -> a.id().compareTo(b.id()));
    return new Split(List.copyOf(train), List.copyOf(val));
  }

  private static Split fromFile(List<Dataset.Case> cases, Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new BadInputException("{split}", "expected N/M or a file of validation case ids; no such file: " + file);
    Set<String> ids = new LinkedHashSet<>();
    for (String line : Files.readAllLines(file)) {
      String t = line.strip();
      if (!t.isEmpty() && !t.startsWith("#")) ids.add(t);
    }
    List<Dataset.Case> train = new ArrayList<>(), val = new ArrayList<>();
    for (Dataset.Case c : cases) (ids.remove(c.id()) ? val : train).add(c);
    if (!ids.isEmpty()) throw new BadInputException(file, "unknown case ids: " + String.join(", ", ids));
    if (val.isEmpty() || train.isEmpty()) throw new BadInputException(file, "split leaves no training or no validation case");
    return new Split(List.copyOf(train), List.copyOf(val));
  }
}
