package org.medvlm.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Word dropout for training prompts: each word of a phrasing is left out with a given chance, so
 * the model cannot lean on a few exact words of the few phrasings it trains on and must read the
 * description as a whole (a user's own wording differs from ours; see docs/medvlm.md). A draw that
 * would leave no word keeps the phrasing whole.
 */
final class PromptWordDropout {
  private PromptWordDropout() {}

  /** {@code prompt} with each whitespace-separated word dropped with chance {@code rate}, drawn from {@code rnd}. */
  static String apply(String prompt, double rate, SplittableRandom rnd) {
    checkRate(rate);
    String[] words = prompt.trim().split("\\s+");
    List<String> kept = new ArrayList<>(words.length);
    for (String w : words) if (rnd.nextDouble() >= rate) kept.add(w);
    return kept.isEmpty() ? prompt : String.join(" ", kept);
  }

  /** @throws IllegalArgumentException unless 0 <= rate < 1 */
  static void checkRate(double rate) {
    if (!(rate >= 0 && rate < 1)) throw new IllegalArgumentException("prompt word dropout must be at least 0 and below 1, not " + rate);
  }
}
