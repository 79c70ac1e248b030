package org.medvlm.infer;

import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.medvlm.data.Organ;
import org.medvlm.io.AtomicFiles;

/**
 * The organ volumes table that every front end writes (the CLI, Fiji, the batch macro): CSV with
 * one row per case and organ, {@code case,organ_id,organ,volume_ml} (organ: its key such as
 * {@code right_kidney}; mL with three decimals), rows in case order then organ order. Shard
 * tables have the same columns; {@code merge-volumes} joins them. A {@code .json} file instead
 * holds {@code {"volumes_ml": {case: {organ: mL}}}}. Written atomically.
 */
public final class VolumesTable {
  public static final String HEADER = "case,organ_id,organ,volume_ml";

  private VolumesTable() {}

  /** Writes {@code byCase} (case id to organ volumes in mL) to {@code file}, replacing it when {@code overwrite}. */
  public static void write(Path file, Map<String, Map<Organ, Double>> byCase, boolean overwrite) throws IOException {
    AtomicFiles.writeText(file, overwrite, file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json") ? json(byCase) : csv(byCase));
  }

  static String csv(Map<String, Map<Organ, Double>> byCase) {
    StringBuilder b = new StringBuilder(HEADER).append('\n');
    byCase.forEach((id, ml) -> ml.forEach((o, v) -> b.append(id.replace(",", "_")).append(',').append(o.id()).append(',').append(o.key()).append(',')
        .append(String.format(Locale.ROOT, "%.3f", v)).append('\n')));
    return b.toString();
  }

  private static String json(Map<String, Map<Organ, Double>> byCase) {
    Map<String, Map<String, Double>> j = new LinkedHashMap<>();
    byCase.forEach((k, v) -> {
      Map<String, Double> m = new LinkedHashMap<>();
      v.forEach((o, ml) -> m.put(o.key(), ml));
      j.put(k, m);
    });
    return new GsonBuilder().setPrettyPrinting().create().toJson(Map.of("volumes_ml", j));
  }
}
