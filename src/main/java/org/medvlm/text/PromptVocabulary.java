package org.medvlm.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.medvlm.data.Organ;
import org.medvlm.data.PromptLibrary;

/**
 * A small WordPiece vocabulary built from our own texts (the prompt library and the organs'
 * names and synonyms), for text encoders trained without a downloaded vocabulary: the special
 * tokens, every whole word, and every character alone and as a "##" continuation, so any prompt
 * tokenizes (unknown words fall apart into characters rather than [UNK]).
 */
public final class PromptVocabulary {
  private PromptVocabulary() {}

  public static List<String> build(PromptLibrary library, boolean lowercase) {
    List<String> texts = new ArrayList<>();
    for (Organ o : Organ.values()) {
      texts.addAll(library.prompts(o));
      texts.add(o.displayName());
      texts.addAll(o.synonyms());
    }
    TreeSet<String> words = new TreeSet<>();
    TreeSet<String> chars = new TreeSet<>();
    for (String t : texts) {
      String text = lowercase ? t.toLowerCase(Locale.ROOT) : t;
      StringBuilder word = new StringBuilder();
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (Character.isLetterOrDigit(c)) {
          word.append(c);
        } else {
          flush(word, words);
          if (!Character.isWhitespace(c)) words.add(String.valueOf(c));
        }
        if (!Character.isWhitespace(c)) chars.add(String.valueOf(c));
      }
      flush(word, words);
    }
    for (char c = 'a'; c <= 'z'; c++) chars.add(String.valueOf(c));
    for (char c = '0'; c <= '9'; c++) chars.add(String.valueOf(c));
    if (!lowercase) for (char c = 'A'; c <= 'Z'; c++) chars.add(String.valueOf(c));
    List<String> vocab = new ArrayList<>(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"));
    TreeSet<String> all = new TreeSet<>(words);
    all.addAll(chars);
    vocab.addAll(all);
    for (String c : chars) vocab.add("##" + c);
    return vocab;
  }

  private static void flush(StringBuilder word, TreeSet<String> words) {
    if (word.length() > 0) words.add(word.toString());
    word.setLength(0);
  }
}
