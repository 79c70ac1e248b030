package org.medvlm.data;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medvlm.volume.Volume;

class PhantomGeneratorTest {
  @TempDir Path tmp;

  @Test
  void sameSeedSameBytesInBtcvLayout() throws Exception {
    PhantomGenerator.writeDataset(tmp.resolve("a"), 2, 5, 48, false, s -> {});
    PhantomGenerator.writeDataset(tmp.resolve("b"), 2, 5, 48, false, s -> {});
    for (String f : new String[] {"img/img0001.nii.gz", "label/label0002.nii.gz"}) {
      assertArrayEquals(Files.readAllBytes(tmp.resolve("a").resolve(f)), Files.readAllBytes(tmp.resolve("b").resolve(f)), f);
    }
    Dataset d = Dataset.open(tmp.resolve("a"), null);
    assertEquals(2, d.cases().size());
    assertNotNull(d.load(d.cases().get(1)));
    PhantomGenerator.writeDataset(tmp.resolve("c"), 1, 6, 48, false, s -> {});
    assertFalse(java.util.Arrays.equals(Files.readAllBytes(tmp.resolve("a/img/img0001.nii.gz")), Files.readAllBytes(tmp.resolve("c/img/img0001.nii.gz"))));
    assertThrows(org.medvlm.BadInputException.class, () -> PhantomGenerator.writeDataset(tmp.resolve("a"), 1, 5, 48, false, s -> {}));
  }

  @Test
  void allOrgansWithPlausibleHuAndMixedOrientations() throws Exception {
    Set<String> codes = new HashSet<>();
    for (int c = 1; c <= 4; c++) {
      PhantomGenerator.Phantom p = PhantomGenerator.generate(9, c, 96);
      codes.add(p.image().geometry().orientationCode());
      int[] l = Volume.ints(p.labels());
      float[] v = Volume.floats(p.image());
      int[] d = p.image().dims();
      long[] n = new long[14];
      for (int x : l) n[x]++;
      for (Organ o : Organ.values()) assertTrue(n[o.id()] > 0, "case " + c + " lacks " + o);
      // Away from organ borders (where the blur mixes tissues) the image holds the organ's HU plus noise.
      double[] sum = new double[14];
      long[] inner = new long[14];
      for (int z = 0; z < d[2]; z++) for (int y = 1; y < d[1] - 1; y++) for (int x = 1; x < d[0] - 1; x++) {
        int i = x + d[0] * (y + d[1] * z);
        boolean interior = true;
        for (int dy = -1; dy <= 1 && interior; dy++) for (int dx = -1; dx <= 1; dx++) {
          if (l[i + dx + d[0] * dy] != l[i]) { interior = false; break; }
        }
        if (interior) { sum[l[i]] += v[i]; inner[l[i]]++; }
      }
      assertEquals(105, sum[6] / inner[6], 4, "liver HU");
      assertEquals(115, sum[1] / inner[1], 6, "spleen HU");
      assertTrue(sum[4] / inner[4] < 40, "gallbladder holds bile");
      double[] s = p.image().geometry().spacing();
      double fovMm = 96 * Math.min(s[0], Math.min(s[1], s[2]));
      assertTrue(fovMm >= 280 && fovMm <= 520, "field of view " + fovMm);
    }
    assertEquals(4, codes.size(), "orientations " + codes);
  }

  @Test
  void fullSizeGridsAreWithinBtcvRanges() throws Exception {
    for (long seed = 0; seed < 40; seed++) {
      var g = PhantomGenerator.grid(seed, 1 + (int) (seed % 5), 512);
      double[] s = g.geometry().spacing();
      int[] d = g.dims();
      assertTrue(d[2] >= 85 && d[2] <= 198, "slices " + d[2]);
      assertTrue(s[2] >= 2.5 && s[2] <= 5.0, "slice thickness " + s[2]);
      assertTrue(s[0] >= 0.54 && s[0] <= 0.98 && s[0] == s[1], "in-plane spacing " + s[0]);
    }
  }
}
