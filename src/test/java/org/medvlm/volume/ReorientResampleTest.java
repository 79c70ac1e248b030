package org.medvlm.volume;

import static org.junit.jupiter.api.Assertions.*;

import net.imglib2.type.numeric.integer.IntType;
import net.imglib2.type.numeric.real.FloatType;
import org.junit.jupiter.api.Test;
import org.medvlm.TestData;
import org.medvlm.io.NiftiReader;

class ReorientResampleTest {
  private static final String[] CODES = allCodes();

  private static String[] allCodes() {
    String[] letters = {"RL", "AP", "SI"};
    int[][] perms = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    String[] out = new String[48];
    int n = 0;
    for (int[] p : perms) for (int s = 0; s < 8; s++) {
      StringBuilder b = new StringBuilder();
      for (int c = 0; c < 3; c++) b.append(letters[p[c]].charAt((s >> c) & 1));
      out[n++] = b.toString();
    }
    return out;
  }

  private static Volume<IntType> ramp(int[] d, Geometry g) {
    int[] v = new int[d[0] * d[1] * d[2]];
    for (int i = 0; i < v.length; i++) v[i] = i;
    return Volume.ofLabels(v, d, g);
  }

  @Test
  void everyOrientationThereAndBackIsExactAndKeepsWorldPositions() {
    Geometry g = Geometry.of(new double[] {0.7, 0.9, 3}, new double[] {12, -40, 300}, new double[][] {{-1, 0, 0}, {0, 0, 1}, {0, -1, 0}});
    Volume<IntType> v = ramp(new int[] {5, 4, 3}, g);
    assertEquals("LIA", g.orientationCode());
    for (String code : CODES) {
      Reorientation r = Reorientation.to(code, v.geometry(), v.dims());
      Volume<IntType> o = r.apply(v);
      assertEquals(code, o.geometry().orientationCode());
      // a voxel keeps its value at its world position
      int[] od = o.dims();
      int[] ov = Volume.ints(o);
      for (int k = 0; k < od[2]; k++) for (int j = 0; j < od[1]; j++) for (int i = 0; i < od[0]; i++) {
        double[] w = o.geometry().indexToWorld(i, j, k);
        int value = ov[i + od[0] * (j + od[1] * k)];
        int src = value;
        int si = src % 5, sj = (src / 5) % 4, sk = src / 20;
        assertArrayEquals(g.indexToWorld(si, sj, sk), w, 1e-9, code);
      }
      Volume<IntType> back = r.inverse().apply(o);
      assertArrayEquals(Volume.ints(v), Volume.ints(back), code);
      assertTrue(back.geometry().approxEquals(g, 1e-9), code);
    }
  }

  @Test
  void realCtToRasAndBack() throws Exception {
    Volume<FloatType> ct = NiftiReader.readImage(TestData.ctSmall());
    Reorientation r = Reorientation.to("RAS", ct.geometry(), ct.dims());
    Volume<FloatType> ras = r.apply(ct);
    assertEquals("RAS", ras.geometry().orientationCode());
    Volume<FloatType> back = r.inverse().apply(ras);
    assertArrayEquals(Volume.floats(ct), Volume.floats(back));
    assertEquals(ct.geometry(), back.geometry());
  }

  @Test
  void linearResamplingReproducesALinearRampAndIdentityAtNativeSpacing() {
    int[] d = {10, 8, 6};
    float[] v = new float[480];
    for (int k = 0; k < 6; k++) for (int j = 0; j < 8; j++) for (int i = 0; i < 10; i++) v[i + 10 * (j + 8 * k)] = 2 * i + 3 * j - k;
    Volume<FloatType> vol = Volume.ofFloats(v, d, Geometry.of(new double[] {1, 1, 2}, new double[] {0, 0, 0}));
    Grid half = Grid.of(vol).withSpacing(new double[] {0.5, 0.25, Double.NaN});
    assertArrayEquals(new int[] {20, 32, 6}, half.dims());
    Volume<FloatType> fine = Resampler.linear(vol, half, 0f);
    float[] f = Volume.floats(fine);
    // inside the original support the ramp is reproduced exactly
    for (int k = 0; k < 6; k++) for (int j = 0; j < 29; j++) for (int i = 0; i < 19; i++) {
      double x = i * 0.5, y = j * 0.25;
      assertEquals(2 * x + 3 * y - k, f[i + 20 * (j + 32 * k)], 1e-4);
    }
    Volume<FloatType> same = Resampler.linear(vol, Grid.of(vol), 0f);
    assertArrayEquals(v, Volume.floats(same));
    assertNotSame(v, Volume.floats(same));
  }

  @Test
  void nearestResamplingUpAndBackIsExact() {
    Volume<IntType> v = ramp(new int[] {7, 6, 5}, Geometry.of(new double[] {1.2, 0.8, 3}, new double[] {5, 5, 5}));
    Grid fine = Grid.of(v).withSpacing(new double[] {0.6, 0.4, 1});
    Volume<IntType> up = Resampler.nearest(v, fine, 0);
    Volume<IntType> down = Resampler.nearest(up, Grid.of(v), 0);
    assertArrayEquals(Volume.ints(v), Volume.ints(down));
  }

  @Test
  void nearestOntoALargerGridFillsOutsideWithBackground() {
    Volume<IntType> v = Volume.ofLabels(new int[] {5, 5, 5, 5, 5, 5, 5, 5}, new int[] {2, 2, 2}, Geometry.of(new double[] {1, 1, 1}, new double[] {0, 0, 0}));
    Grid bigger = new Grid(new int[] {4, 2, 2}, Geometry.of(new double[] {1, 1, 1}, new double[] {-1, 0, 0}));
    int[] out = Volume.ints(Resampler.nearest(v, bigger, 0));
    assertArrayEquals(new int[] {0, 5, 5, 0, 0, 5, 5, 0, 0, 5, 5, 0, 0, 5, 5, 0}, out);
  }

  @Test
  void rotatedGridsAreRefused() {
    Volume<IntType> v = ramp(new int[] {3, 3, 3}, Geometry.of(new double[] {1, 1, 1}, new double[3]));
    double c = Math.cos(0.2), s = Math.sin(0.2);
    Grid rotated = new Grid(new int[] {3, 3, 3}, Geometry.of(new double[] {1, 1, 1}, new double[3], new double[][] {{c, -s, 0}, {s, c, 0}, {0, 0, 1}}));
    assertThrows(IllegalArgumentException.class, () -> Resampler.nearest(v, rotated, 0));
  }

  @Test
  void cropAndUncrop() {
    Volume<IntType> v = ramp(new int[] {6, 5, 4}, Geometry.of(new double[] {1, 2, 3}, new double[] {1, 1, 1}));
    Crop c = new Crop(new int[] {1, 2, 1}, new int[] {4, 5, 3});
    Volume<IntType> cropped = c.apply(v);
    assertArrayEquals(new int[] {3, 3, 2}, cropped.dims());
    assertEquals(1 + 6 * 2 + 30, Volume.ints(cropped)[0]);
    assertArrayEquals(v.geometry().indexToWorld(1, 2, 1), cropped.geometry().indexToWorld(0, 0, 0), 1e-12);
    Volume<IntType> back = c.uncrop(cropped, v.dims(), 0);
    assertTrue(back.geometry().approxEquals(v.geometry(), 1e-12));
    int[] a = Volume.ints(v), b = Volume.ints(back);
    for (int i = 0; i < a.length; i++) {
      int x = i % 6, y = (i / 6) % 5, z = i / 30;
      boolean inside = x >= 1 && x < 4 && y >= 2 && z >= 1 && z < 3;
      assertEquals(inside ? a[i] : 0, b[i]);
    }
  }
}
