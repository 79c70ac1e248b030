package org.medvlm.weights;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A block's parameters by dotted path ({@code blocks.0.attn.qkv.weight}), the naming of the
 * PyTorch modules they mirror. DJL stores child names with a two-digit position prefix
 * ({@code 01blocks}); it is removed here.
 */
public final class NamedParameters {
  private NamedParameters() {}

  public static Map<String, Parameter> of(Block block) {
    Map<String, Parameter> out = new LinkedHashMap<>();
    walk(block, "", out);
    return out;
  }

  private static void walk(Block block, String prefix, Map<String, Parameter> out) {
    for (Pair<String, Parameter> p : block.getDirectParameters()) out.put(prefix + p.getKey(), p.getValue());
    PairList<String, Block> children = block.getChildren();
    for (int i = 0; i < children.size(); i++) {
      String raw = children.keyAt(i);
      String position = String.format(Locale.ROOT, "%02d", i + 1);
      String name = raw.startsWith(position) ? raw.substring(position.length()) : raw;
      walk(children.valueAt(i), prefix + name + ".", out);
    }
  }
}
