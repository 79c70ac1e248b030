package org.medvlm.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.imglib2.type.numeric.integer.IntType;
import org.medvlm.BadInputException;
import org.medvlm.volume.Volume;

/**
 * Maps another label numbering (TotalSegmentator, AMOS, FLARE, an MSD task ...) onto BTCV ids;
 * every source id not in the map becomes background. Read from a TSV with a {@code btcv_id}
 * column and one other {@code *_id} column naming the source ids (as in
 * {@code totalsegmentator-to-btcv.tsv}), or from an MSD {@code dataset.json} label list.
 */
public final class LabelMap {
  private final Map<Integer, Integer> toBtcv;
  private final String source;
  /** Every source value must be listed (dataset.json lists all its labels); a TSV drops the others to background. */
  private final java.util.Set<Integer> complete;

  private LabelMap(Map<Integer, Integer> toBtcv, String source, java.util.Set<Integer> complete) {
    this.toBtcv = toBtcv;
    this.source = source;
    this.complete = complete;
  }

  public static LabelMap read(Path file) throws IOException {
    TsvFile tsv = TsvFile.read(file);
    int btcv = tsv.column("btcv_id");
    int src = -1;
    for (int i = 0; i < tsv.header().size(); i++) {
      String h = tsv.header().get(i);
      if (i != btcv && h.endsWith("_id")) {
        if (src >= 0) throw new BadInputException(file, "two source id columns (" + tsv.header().get(src) + ", " + h + "); keep one");
        src = i;
      }
    }
    if (src < 0) throw new BadInputException(file, "no source id column: need a column named like 'totalsegmentator_id' beside 'btcv_id'");
    Map<Integer, Integer> m = new TreeMap<>();
    for (TsvFile.Row row : tsv.rows()) {
      int from = tsv.integer(row, src);
      int to = tsv.integer(row, btcv);
      if (to < 0 || to > Organ.MAX_ID) throw new BadInputException(file, "line " + row.line() + ": btcv_id " + to + " is not 0 to 13");
      if (from < 0) throw new BadInputException(file, "line " + row.line() + ": negative source id " + from);
      Integer old = m.put(from, to);
      if (old != null && old != to) throw new BadInputException(file, "line " + row.line() + ": source id " + from + " mapped twice (" + old + " and " + to + ")");
    }
    if (m.isEmpty()) throw new BadInputException(file, "no mappings");
    return new LabelMap(m, file.toString(), null);
  }

  /**
   * From an MSD {@code dataset.json}'s {@code labels} (MSD v1: {@code {"1": "spleen"}}; nnU-Net v2:
   * {@code {"spleen": 1}}). Every name must be background or a BTCV organ (else the file is
   * refused: a misspelt or unknown organ would silently drop out of training), and a label value
   * the file does not list is refused when a label volume is mapped. The organs it names are
   * the ones its references label ({@link #labelled}).
   */
  public static LabelMap fromDatasetJson(Path json) throws IOException {
    if (!java.nio.file.Files.isRegularFile(json)) throw new BadInputException(json, "missing: an MSD dataset needs dataset.json (or pass {label-map})");
    com.google.gson.JsonObject labels;
    try {
      com.google.gson.JsonObject o = com.google.gson.JsonParser.parseString(java.nio.file.Files.readString(json)).getAsJsonObject();
      labels = o.getAsJsonObject("labels");
    } catch (RuntimeException e) {
      throw new BadInputException(json, "is not a valid dataset.json: " + e.getMessage());
    }
    if (labels == null) throw new BadInputException(json, "has no \"labels\" object");
    Map<Integer, Integer> m = new TreeMap<>();
    java.util.Set<Integer> listed = new java.util.TreeSet<>();
    for (var e : labels.entrySet()) {
      int id;
      String name;
      try {
        boolean v1 = e.getKey().trim().matches("\\d+");
        id = v1 ? Integer.parseInt(e.getKey().trim()) : e.getValue().getAsInt();
        name = v1 ? e.getValue().getAsString() : e.getKey();
      } catch (RuntimeException bad) {
        throw new BadInputException(json, "label '" + e.getKey() + "': expected \"1\": \"spleen\" (MSD) or \"spleen\": 1 (nnU-Net v2)");
      }
      if (!listed.add(id)) throw new BadInputException(json, "label value " + id + " is listed twice");
      if (id == 0 || name.trim().equalsIgnoreCase("background")) continue;
      Organ organ = Organ.find(name);
      if (organ == null) {
        List<String> close = Organ.closeMatches(name);
        throw new BadInputException(json, "label " + id + " '" + name.trim() + "' is not a BTCV organ"
            + (close.isEmpty() ? "" : " (did you mean " + String.join(" or ", close) + "?)")
            + "; give this folder a {label-map} TSV that maps it to an organ id, or to 0 for background");
      }
      m.put(id, organ.id());
    }
    if (m.isEmpty()) throw new BadInputException(json, "no label names a BTCV organ");
    return new LabelMap(m, json.toString(), listed);
  }

  /** The organs this map's references label: those it maps to. */
  public OrganSet labelled() {
    List<Organ> out = new java.util.ArrayList<>();
    for (int id : toBtcv.values()) if (id > 0) out.add(Organ.ofId(id));
    return OrganSet.of(out);
  }

  public int map(int sourceId) {
    return toBtcv.getOrDefault(sourceId, 0);
  }

  /** Source ids mapped to organs. */
  public Map<Integer, Integer> entries() {
    return java.util.Collections.unmodifiableMap(toBtcv);
  }

  /** A new label volume in BTCV ids. */
  public Volume<IntType> apply(Volume<IntType> labels) throws BadInputException {
    return apply(labels, null);
  }

  /**
   * A new label volume in BTCV ids; a map from a dataset.json refuses a value it does not list
   * (naming {@code file}, the label file).
   */
  public Volume<IntType> apply(Volume<IntType> labels, Path file) throws BadInputException {
    int[] src = Volume.ints(labels);
    int[] out = new int[src.length];
    int max = 0;
    for (int v : toBtcv.keySet()) max = Math.max(max, v);
    int[] lut = new int[max + 1];
    for (var e : toBtcv.entrySet()) lut[e.getKey()] = e.getValue();
    for (int i = 0; i < src.length; i++) {
      int v = src[i];
      if (complete != null && !complete.contains(v)) {
        throw new BadInputException(file == null ? source : file.toString(), "label value " + v + " is not listed in " + source);
      }
      out[i] = v >= 0 && v <= max ? lut[v] : 0;
    }
    return Volume.ofLabels(out, labels.dims(), labels.geometry());
  }

  /** Checks that a volume already in BTCV ids holds nothing but 0 to 13. */
  public static void requireBtcv(Volume<IntType> labels, Path file) throws BadInputException {
    for (int v : Volume.ints(labels)) {
      if (v < 0 || v > Organ.MAX_ID) {
        throw new BadInputException(file, "label " + v + " is not a BTCV id (0 to 13); pass a label map ({label-map}) for other numberings");
      }
    }
  }

  @Override
  public String toString() {
    return source;
  }
}
