package org.medvlm.data;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The held-out paraphrases of tools/paraphrases.tsv (what tools/paraphrase_dice.sh reports) and of
 * tools/paraphrases-dev.tsv (what training changes are chosen on) stay out of the training prompts: one per organ, none a training phrasing, and none sharing a run of
 * {@link #LONGEST_SHARED_RUN} + 1 words with a training phrasing of its organ (a sentence with a
 * word swapped would measure memory, not understanding).
 */
class HeldOutParaphrasesTest {
  /** The longest run of consecutive words a paraphrase may share with its organ's training phrasings. */
  static final int LONGEST_SHARED_RUN = 6;

  @ParameterizedTest
  @ValueSource(strings = {"tools/paraphrases.tsv", "tools/paraphrases-dev.tsv"})
  void paraphrasesAreHeldOutFromTraining(String file) throws Exception {
    TsvFile tsv = TsvFile.read(Path.of(file));
    int idCol = tsv.column("organ_id");
    int textCol = tsv.column("paraphrase");
    Map<Organ, String> held = new EnumMap<>(Organ.class);
    for (TsvFile.Row row : tsv.rows()) assertNull(held.put(Organ.ofId(tsv.integer(row, idCol)), row.get(textCol)), "line " + row.line() + ": second paraphrase");
    assertEquals(Organ.values().length, held.size(), "one paraphrase per organ");
    PromptLibrary training = PromptLibrary.builtIn();
    for (Organ o : Organ.values()) {
      String p = held.get(o);
      for (Organ other : Organ.values()) assertFalse(training.prompts(other).contains(p), o + "'s paraphrase is a training phrasing");
      for (String t : training.prompts(o)) {
        int shared = longestSharedRun(p, t);
        assertTrue(shared <= LONGEST_SHARED_RUN, () -> o + ": '" + p + "' shares " + shared + " words in a row with '" + t + "'");
      }
    }
  }

  @Test
  void sharedRunsAreCountedInWords() {
    assertEquals(3, longestSharedRun("The liver lies under the right ribs", "a liver under the right dome"));
    assertEquals(0, longestSharedRun("spleen", "liver"));
  }

  /** The most consecutive words (lower case, punctuation ignored) that both texts contain in the same order. */
  static int longestSharedRun(String a, String b) {
    List<String> x = words(a);
    List<String> y = words(b);
    int best = 0;
    int[] prev = new int[y.size() + 1];
    for (String wx : x) {
      int[] cur = new int[y.size() + 1];
      for (int j = 0; j < y.size(); j++) if (wx.equals(y.get(j))) best = Math.max(best, cur[j + 1] = prev[j] + 1);
      prev = cur;
    }
    return best;
  }

  private static List<String> words(String s) {
    List<String> out = new ArrayList<>();
    for (String w : s.toLowerCase(Locale.ROOT).split("[^a-z0-9']+")) if (!w.isEmpty()) out.add(w);
    return out;
  }

  @Test
  void everyOrganKeepsItsCanonicalPromptFirst() {
    // inference and the canonical column of the paraphrase table use the first phrasing: adding phrasings must not move it
    Set<String> firsts = new HashSet<>();
    for (Organ o : Organ.values()) firsts.add(PromptLibrary.builtIn().canonical(o));
    assertEquals(Organ.values().length, firsts.size());
    assertTrue(PromptLibrary.builtIn().canonical(Organ.LIVER).startsWith("The liver is the largest solid organ"));
  }
}
