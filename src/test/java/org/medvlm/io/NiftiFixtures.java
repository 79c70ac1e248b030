package org.medvlm.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.medvlm.volume.Geometry;

/** Hand-built NIfTI files for tests, independent of {@link NiftiWriter}'s choices. */
final class NiftiFixtures {
  private NiftiFixtures() {}

  /** NIfTI-1 int16, spacing (0.8, 0.9, 2.5), LPS-like sform and matching qform, in a given byte order. */
  static byte[] nifti1(int[] dims, short[] values, ByteOrder order) {
    ByteBuffer b = ByteBuffer.allocate(352 + values.length * 2).order(order);
    b.putInt(0, 348);
    b.putShort(40, (short) 3);
    for (int i = 0; i < 3; i++) b.putShort(42 + 2 * i, (short) dims[i]);
    for (int i = 3; i < 7; i++) b.putShort(42 + 2 * i, (short) 1);
    b.putShort(70, (short) 4);
    b.putShort(72, (short) 16);
    float[] pix = {1, 0.8f, 0.9f, 2.5f};
    for (int i = 0; i < 4; i++) b.putFloat(76 + 4 * i, pix[i]);
    b.putFloat(108, 352);
    b.putShort(252, (short) 1);
    b.putShort(254, (short) 1);
    // qform: 180 degrees about z (quaternion b=0, c=0, d=1): x -> -x, y -> -y (LPS storage)
    b.putFloat(256, 0).putFloat(260, 0).putFloat(264, 1);
    b.putFloat(268, 100).putFloat(272, 120).putFloat(276, -50);
    float[][] srow = {{-0.8f, 0, 0, 100}, {0, -0.9f, 0, 120}, {0, 0, 2.5f, -50}};
    for (int r = 0; r < 3; r++) for (int c = 0; c < 4; c++) b.putFloat(280 + 16 * r + 4 * c, srow[r][c]);
    b.put(344, (byte) 'n').put(345, (byte) '+').put(346, (byte) '1').put(347, (byte) 0);
    for (int i = 0; i < values.length; i++) b.putShort(352 + 2 * i, values[i]);
    return b.array();
  }

  static Geometry lps() {
    return Geometry.fromAffine(new double[][] {{-0.8, 0, 0, 100}, {0, -0.9, 0, 120}, {0, 0, 2.5, -50}});
  }
}
