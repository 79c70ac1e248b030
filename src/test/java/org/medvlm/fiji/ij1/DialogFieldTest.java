package org.medvlm.fiji.ij1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.Macro;
import org.junit.jupiter.api.Test;

/** Every dialog label reads as words and still gives, by ImageJ 1.x's own rule, the macro key it always had. */
class DialogFieldTest {
  @Test
  void eachLabelsFirstWordIsItsMacroKey() {
    for (DialogField f : DialogField.values()) {
      assertEquals(f.key(), Macro.trimKey(f.label()), f + ": " + f.label());
      assertTrue(f.label().length() > f.key().length() || f.label().equalsIgnoreCase(f.key()), f.label());
    }
    assertEquals("moredata", DialogField.MOREDATA.key());
    assertEquals("output", DialogField.METRICS_OUTPUT.key());
  }
}
