package org.medvlm.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.medvlm.BadInputException;

/** The 13 BTCV abdominal organs with their label ids (0 is background). */
public enum Organ {
  SPLEEN(1, "spleen"),
  RIGHT_KIDNEY(2, "right kidney", "kidney right", "kidney_right", "r kidney"),
  LEFT_KIDNEY(3, "left kidney", "kidney left", "kidney_left", "l kidney"),
  GALLBLADDER(4, "gallbladder", "gall bladder"),
  ESOPHAGUS(5, "esophagus", "oesophagus"),
  LIVER(6, "liver"),
  STOMACH(7, "stomach"),
  AORTA(8, "aorta"),
  INFERIOR_VENA_CAVA(9, "inferior vena cava", "ivc", "vena cava", "postcava"),
  PORTAL_SPLENIC_VEINS(10, "portal and splenic veins", "portal vein and splenic vein", "portal vein", "splenic vein",
      "portal_vein_and_splenic_vein", "veins"),
  PANCREAS(11, "pancreas"),
  RIGHT_ADRENAL_GLAND(12, "right adrenal gland", "right adrenal", "adrenal gland right", "adrenal_gland_right"),
  LEFT_ADRENAL_GLAND(13, "left adrenal gland", "left adrenal", "adrenal gland left", "adrenal_gland_left");

  /** Largest BTCV label id. */
  public static final int MAX_ID = 13;

  private final int id;
  private final String displayName;
  private final List<String> synonyms;

  Organ(int id, String displayName, String... synonyms) {
    this.id = id;
    this.displayName = displayName;
    this.synonyms = List.of(synonyms);
  }

  public int id() {
    return id;
  }

  /** Human name, e.g. "right kidney". */
  public String displayName() {
    return displayName;
  }

  /** Machine name for options and file columns, e.g. "right_kidney". */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public List<String> synonyms() {
    return synonyms;
  }

  public static Organ ofId(int id) {
    if (id < 1 || id > MAX_ID) throw new IllegalArgumentException("no BTCV organ with id " + id);
    return values()[id - 1];
  }

  /** Finds an organ by id, key, name or synonym (case and separators ignored), or null. */
  public static Organ find(String text) {
    String t = normalise(text);
    if (t.isEmpty()) return null;
    for (Organ o : values()) {
      if (t.equals(String.valueOf(o.id)) || t.equals(normalise(o.key())) || t.equals(normalise(o.displayName))) return o;
      for (String s : o.synonyms) if (t.equals(normalise(s))) return o;
    }
    return null;
  }

  /** Like {@link #find} but a clear error for unknown names. */
  public static Organ parse(String text) throws BadInputException {
    Organ o = find(text);
    if (o == null) {
      List<String> close = closeMatches(text);
      String hint = close.isEmpty() ? "" : "; did you mean " + String.join(" or ", close.stream().map(c -> "'" + c + "'").toList()) + "?";
      throw new BadInputException("{organs}", "unknown organ '" + text.trim() + "'" + hint + " (known: " + knownNames() + ")");
    }
    return o;
  }

  /**
   * The organ keys nearest to the text: those whose key, name or a synonym is fewest edits away
   * (at most a quarter of the name, 1 to 3), else those with a name starting with the text.
   */
  static List<String> closeMatches(String text) {
    String t = normalise(text);
    List<String> nearest = new ArrayList<>();
    List<String> prefixed = new ArrayList<>();
    if (t.isEmpty()) return nearest;
    int best = Integer.MAX_VALUE;
    for (Organ o : values()) {
      List<String> names = new ArrayList<>(o.synonyms);
      names.add(o.key());
      names.add(o.displayName);
      int organBest = Integer.MAX_VALUE;
      boolean prefix = false;
      for (String n : names) {
        String m = normalise(n);
        int d = editDistance(t, m);
        if (d <= Math.max(1, Math.min(3, m.length() / 4))) organBest = Math.min(organBest, d);
        prefix |= m.startsWith(t);
      }
      if (organBest < best) {
        best = organBest;
        nearest.clear();
      }
      if (organBest == best && organBest != Integer.MAX_VALUE) nearest.add(o.key());
      if (prefix) prefixed.add(o.key());
    }
    return nearest.isEmpty() ? prefixed : nearest;
  }

  private static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) prev[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** Parses "spleen,liver" or "all" (an empty list is an error). */
  public static List<Organ> parseList(String text) throws BadInputException {
    if (text == null || text.isBlank()) throw new BadInputException("{organs}", "no organ given; use a comma-separated list or 'all'");
    if (text.trim().equalsIgnoreCase("all")) return Arrays.asList(values());
    List<Organ> out = new ArrayList<>();
    for (String part : text.split(",")) {
      Organ o = parse(part);
      if (!out.contains(o)) out.add(o);
    }
    return out;
  }

  public static String knownNames() {
    StringBuilder sb = new StringBuilder();
    for (Organ o : values()) sb.append(sb.length() == 0 ? "" : ", ").append(o.key());
    return sb.append(", all").toString();
  }

  private static String normalise(String s) {
    return s == null ? "" : s.trim().toLowerCase(Locale.ROOT).replaceAll("[\\s_\\-]+", " ");
  }
}
