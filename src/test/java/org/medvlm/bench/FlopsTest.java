package org.medvlm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.medvlm.model.vlm.BertConfig;
import org.medvlm.model.vlm.VitConfig;

/** The FLOP counts agree with the published multiply-accumulate counts (x 2) of the reference models. */
class FlopsTest {
  @Test
  void vitMatchesPublishedCounts() {
    // timm / fvcore: ViT-B/16 at 224 = 17.56 GMACs, ViT-Ti/16 = 1.26 GMACs
    assertEquals(2 * 17.56e9, Flops.vit(VitConfig.base(224)), 0.02 * 2 * 17.56e9);
    assertEquals(2 * 1.26e9, Flops.vit(VitConfig.tiny(224)), 0.03 * 2 * 1.26e9);
  }

  @Test
  void bertScalesWithLayersAndTokens() {
    // BERT-base: about 85 M weights in the encoder layers, 2 FLOPs per weight and token, plus attention
    double perToken = Flops.bert(BertConfig.bioBertBase(), 1);
    assertEquals(2 * 12 * (4 * 768 * 768 + 2 * 768 * 3072), perToken, 1e6);
    assertEquals(16 * (perToken - 12 * 4.0 * 768) + 12 * 4.0 * 16 * 16 * 768, Flops.bert(BertConfig.bioBertBase(), 16), 1);
  }
}
