package org.medvlm.train;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PromptWordDropoutTest {
  private static final String PROMPT = "The spleen lies in the left upper quadrant beneath the left hemidiaphragm, posterolateral to the stomach.";

  @Test
  void noDropoutKeepsThePhrasing() {
    assertEquals(PROMPT, PromptWordDropout.apply(PROMPT, 0, new SplittableRandom(1)));
  }

  @Test
  void dropsAboutItsShareOfWordsInOrderAndRepeatably() {
    int words = 0;
    int kept = 0;
    for (int seed = 0; seed < 400; seed++) {
      String d = PromptWordDropout.apply(PROMPT, 0.25, new SplittableRandom(seed));
      assertEquals(d, PromptWordDropout.apply(PROMPT, 0.25, new SplittableRandom(seed)));
      int at = 0;
      for (String w : d.split(" ")) { // what is kept stays in the phrasing's order
        at = PROMPT.indexOf(w, at);
        assertTrue(at >= 0, w + " out of order in " + d);
        at += w.length();
      }
      words += PROMPT.split(" ").length;
      kept += d.split(" ").length;
    }
    assertEquals(0.75, kept / (double) words, 0.02);
  }

  @Test
  void neverLeavesAnEmptyPrompt() {
    for (int seed = 0; seed < 200; seed++) assertEquals("liver", PromptWordDropout.apply("liver", 0.9, new SplittableRandom(seed)));
    assertThrows(IllegalArgumentException.class, () -> PromptWordDropout.apply(PROMPT, 1, new SplittableRandom(1)));
    assertThrows(IllegalArgumentException.class, () -> PromptWordDropout.apply(PROMPT, -0.1, new SplittableRandom(1)));
  }
}
