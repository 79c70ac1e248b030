package org.medvlm.data;

import java.io.IOException;
import java.nio.file.Path;
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

  private LabelMap(Map<Integer, Integer> toBtcv, String source) {
    this.toBtcv = toBtcv;
    this.source = source;
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
    return new LabelMap(m, file.toString());
  }

  /** From source-id to organ-name pairs (e.g. MSD dataset.json "labels"); unknown names become background. */
  public static LabelMap fromNames(Map<Integer, String> names, String source) {
    Map<Integer, Integer> m = new TreeMap<>();
    names.forEach((id, name) -> {
      Organ o = Organ.find(name);
      if (o != null && id > 0) m.put(id, o.id());
    });
    return new LabelMap(m, source);
  }

  public int map(int sourceId) {
    return toBtcv.getOrDefault(sourceId, 0);
  }

  /** Source ids mapped to organs. */
  public Map<Integer, Integer> entries() {
    return java.util.Collections.unmodifiableMap(toBtcv);
  }

  /** A new label volume in BTCV ids. */
  public Volume<IntType> apply(Volume<IntType> labels) {
    int[] src = Volume.ints(labels);
    int[] out = new int[src.length];
    int max = 0;
    for (int v : toBtcv.keySet()) max = Math.max(max, v);
    int[] lut = new int[max + 1];
    for (var e : toBtcv.entrySet()) lut[e.getKey()] = e.getValue();
    for (int i = 0; i < src.length; i++) {
      int v = src[i];
      out[i] = v >= 0 && v <= max ? lut[v] : 0;
    }
    return Volume.ofLabels(out, labels.dims(), labels.geometry());
  }

  /** Checks that a volume already in BTCV ids holds nothing but 0 to 13. */
  public static void requireBtcv(Volume<IntType> labels, Path file) throws BadInputException {
    for (int v : Volume.ints(labels)) {
      if (v < 0 || v > Organ.MAX_ID) {
        throw new BadInputException(file, "label " + v + " is not a BTCV id (0 to 13); pass a label map (--label-map) for other numberings");
      }
    }
  }

  @Override
  public String toString() {
    return source;
  }
}
