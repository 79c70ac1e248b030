package org.medvlm.weights;

import java.nio.file.Path;
import java.util.List;

/**
 * What loading a checkpoint into an encoder did: tensors loaded, values adapted (position
 * embeddings resampled), checkpoint entries ignored by design (classifier heads, buffers) and,
 * with {@code --lenient}, the problems that were skipped instead of failing.
 */
public record LoadReport(Path file, int loaded, List<String> adapted, List<String> ignored, List<String> skipped) {
  public String summary() {
    StringBuilder b = new StringBuilder(file + ": loaded " + loaded + " tensors");
    if (!adapted.isEmpty()) b.append("; ").append(String.join("; ", adapted));
    if (!ignored.isEmpty()) b.append("; ignored ").append(ignored.size()).append(" entries not used by the encoder (").append(abbreviate(ignored)).append(")");
    if (!skipped.isEmpty()) b.append("; SKIPPED (--lenient): ").append(String.join("; ", skipped));
    return b.toString();
  }

  static String abbreviate(List<String> items) {
    return items.size() <= 4 ? String.join(", ", items) : String.join(", ", items.subList(0, 4)) + ", ... " + (items.size() - 4) + " more";
  }
}
