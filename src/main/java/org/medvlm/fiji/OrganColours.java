package org.medvlm.fiji;

import ij.process.LUT;
import java.awt.Color;
import org.medvlm.data.Organ;

/** The colour table of label images: one distinct colour per BTCV organ id, black background. */
public final class OrganColours {
  private static final int[] RGB = {
      0x000000,
      0xdc143c, // 1 spleen
      0x1e90ff, // 2 right kidney
      0x00ced1, // 3 left kidney
      0x32cd32, // 4 gallbladder
      0xff8c00, // 5 esophagus
      0x8b4513, // 6 liver
      0xffd700, // 7 stomach
      0xff0000, // 8 aorta
      0x4169e1, // 9 inferior vena cava
      0x9370db, // 10 portal and splenic veins
      0xff69b4, // 11 pancreas
      0xadff2f, // 12 right adrenal gland
      0x7fffd4, // 13 left adrenal gland
  };

  private OrganColours() {}

  public static Color of(Organ organ) {
    return new Color(RGB[organ.id()]);
  }

  /** A 256-entry LUT: organ ids in their colours, other values grey. */
  public static LUT lut() {
    byte[] r = new byte[256];
    byte[] g = new byte[256];
    byte[] b = new byte[256];
    for (int i = 0; i < 256; i++) {
      int rgb = i < RGB.length ? RGB[i] : (i << 16) | (i << 8) | i;
      r[i] = (byte) (rgb >> 16);
      g[i] = (byte) (rgb >> 8);
      b[i] = (byte) rgb;
    }
    return new LUT(r, g, b);
  }
}
