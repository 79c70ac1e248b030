package org.medvlm.fiji;

import java.util.Map;
import org.medvlm.ErrorText;

/**
 * The core's field names ({@code {organs}} in its messages) as the Fiji dialogs' macro keys, so a
 * Fiji user reads the key of the field to change ({@code organ}), never a command-line option.
 */
public final class MacroKeys {
  private static final Map<String, String> KEYS = Map.ofEntries(Map.entry("organs", "organ"), Map.entry("volumes", "csv"), Map.entry("data", "dataset"),
      Map.entry("out", "output"), Map.entry("label-map", "labelmap"), Map.entry("text-weights", "textweights"), Map.entry("image-weights", "imageweights"),
      Map.entry("model", "model"), Map.entry("resume", "resume"));

  private MacroKeys() {}

  /** The macro key of a core field (the field itself when the dialogs have no other name for it). */
  public static String of(String field) {
    return KEYS.getOrDefault(field, field);
  }

  /** {@code text} with each core field as its macro key. */
  public static String in(String text) {
    return ErrorText.withFields(text, MacroKeys::of);
  }

  /** The one-line message of {@code e} for Fiji. */
  public static String message(Throwable e) {
    return ErrorText.of(e, MacroKeys::of);
  }
}
