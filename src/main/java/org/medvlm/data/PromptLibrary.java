package org.medvlm.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.medvlm.BadInputException;

/** The text prompts per organ, read from the documented TSV format of {@code prompts/}. */
public final class PromptLibrary {
  private static final String BUILT_IN = "/prompts/btcv-organs.tsv";
  private final Map<Organ, List<String>> prompts;

  private PromptLibrary(Map<Organ, List<String>> prompts) {
    this.prompts = prompts;
  }

  /** A library of the given phrasings (for example the canonical prompts a checkpoint carries). */
  public static PromptLibrary of(Map<Organ, List<String>> prompts) {
    Map<Organ, List<String>> copy = new java.util.EnumMap<>(Organ.class);
    prompts.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    return new PromptLibrary(copy);
  }

  /** The prompts that ship with the plugin. */
  public static PromptLibrary builtIn() {
    try (InputStream in = PromptLibrary.class.getResourceAsStream(BUILT_IN)) {
      if (in == null) throw new IllegalStateException("built-in prompts missing from the jar: " + BUILT_IN);
      return of(TsvFile.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "built-in prompts"));
    } catch (IOException e) {
      throw new IllegalStateException("built-in prompts are unreadable", e);
    }
  }

  public static PromptLibrary read(Path file) throws IOException {
    return of(TsvFile.read(file));
  }

  /** This library with another one's prompts added after its own. */
  public PromptLibrary plus(PromptLibrary more) {
    Map<Organ, List<String>> merged = new EnumMap<>(Organ.class);
    for (Organ o : Organ.values()) {
      List<String> all = new ArrayList<>(prompts.getOrDefault(o, List.of()));
      for (String p : more.prompts.getOrDefault(o, List.of())) if (!all.contains(p)) all.add(p);
      merged.put(o, List.copyOf(all));
    }
    return new PromptLibrary(merged);
  }

  public List<String> prompts(Organ organ) {
    return prompts.get(organ);
  }

  /** The organ's first (canonical) prompt: what inference uses by default. */
  public String canonical(Organ organ) {
    return prompts.get(organ).get(0);
  }

  /** One of the organ's prompts, chosen by the seed (training draws a phrasing per sample). */
  public String sample(Organ organ, long seed) {
    List<String> list = prompts.get(organ);
    return list.get(new SplittableRandom(seed).nextInt(list.size()));
  }

  private static PromptLibrary of(TsvFile tsv) throws BadInputException {
    int idCol = tsv.column("organ_id");
    int nameCol = tsv.column("organ");
    int textCol = tsv.column("prompt");
    Map<Organ, List<String>> map = new EnumMap<>(Organ.class);
    for (TsvFile.Row row : tsv.rows()) {
      int id = tsv.integer(row, idCol);
      if (id < 1 || id > Organ.MAX_ID) throw new BadInputException(tsv.source(), "line " + row.line() + ": organ_id " + id + " is not a BTCV organ (1 to 13)");
      Organ organ = Organ.ofId(id);
      Organ named = Organ.find(row.get(nameCol));
      if (named != organ) {
        throw new BadInputException(tsv.source(), "line " + row.line() + ": organ '" + row.get(nameCol) + "' does not match organ_id " + id + " (" + organ.displayName() + ")");
      }
      String text = row.get(textCol);
      if (text.length() < 10) throw new BadInputException(tsv.source(), "line " + row.line() + ": prompt is empty or too short");
      map.computeIfAbsent(organ, k -> new ArrayList<>()).add(text);
    }
    Map<Organ, List<String>> frozen = new EnumMap<>(Organ.class);
    map.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
    return new PromptLibrary(frozen);
  }

  /** Checks that every organ has at least one prompt (a library used for inference must). */
  public PromptLibrary requireAllOrgans(String source) throws BadInputException {
    for (Organ o : Organ.values()) {
      if (prompts.getOrDefault(o, List.of()).isEmpty()) throw new BadInputException(source, "no prompt for " + o.displayName());
    }
    return this;
  }
}
