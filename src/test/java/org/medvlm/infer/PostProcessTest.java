package org.medvlm.infer;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.medvlm.data.Organ;

class PostProcessTest {
  @Test
  void keepsTheLargestComponentAndFillsHoles() {
    int[] d = {7, 7, 3};
    int[] l = new int[7 * 7 * 3];
    // organ 6: a 5 x 5 x 3 block with a one-voxel hole in its middle slice, plus a stray voxel
    for (int z = 0; z < 3; z++) for (int y = 1; y < 6; y++) for (int x = 1; x < 6; x++) l[x + 7 * (y + 7 * z)] = 6;
    l[3 + 7 * (3 + 7 * 1)] = 0;
    l[0 + 7 * (0 + 7 * 0)] = 6;
    // organ 1 elsewhere is untouched
    l[6 + 7 * (6 + 7 * 2)] = 1;
    PostProcess.apply(l, d, new int[] {6});
    assertEquals(6, l[3 + 7 * (3 + 7 * 1)], "hole filled");
    assertEquals(0, l[0], "stray component removed");
    assertEquals(1, l[6 + 7 * (6 + 7 * 2)]);
    int count = 0;
    for (int v : l) if (v == 6) count++;
    assertEquals(75, count);
  }

  /** A background pocket closed by the aorta on five sides and the IVC on the sixth is not the aorta's hole. */
  @Test
  void aGapBetweenTwoOrgansIsNotAHole() {
    int[] d = {9, 9, 3};
    int[] l = new int[9 * 9 * 3];
    for (int z : new int[] {0, 2}) for (int y = 1; y < 8; y++) for (int x = 1; x < 8; x++) l[x + 9 * (y + 9 * z)] = 7;
    for (int i = 1; i < 8; i++) {
      l[1 + 9 * (i + 9)] = 7; // x = 1
      l[i + 9 * (1 + 9)] = 7; // y = 1
      l[i + 9 * (7 + 9)] = 7; // y = 7
    }
    for (int y = 2; y < 7; y++) l[7 + 9 * (y + 9)] = 9; // the other organ closes the fourth side
    int[] before = l.clone();
    PostProcess.apply(l, d, new int[] {7, 9});
    assertArrayEquals(before, l, "nothing is filled: the pocket reaches the outside through the other organ");
    for (int y = 2; y < 7; y++) l[7 + 9 * (y + 9)] = 7; // the aorta alone closes it
    PostProcess.apply(l, d, new int[] {7});
    assertEquals(7, l[4 + 9 * (4 + 9)], "enclosed by the aorta alone: filled");
  }

  /** Tubes (here the portal and splenic veins) keep every piece; other organs keep their largest. */
  @Test
  void tubesKeepAllTheirPieces() {
    int[] d = {10, 4, 2};
    int[] l = new int[10 * 4 * 2];
    int[] mask = new int[l.length];
    for (int x : new int[] {1, 2, 3, 7, 8}) {
      l[x + 10 * (1 + 4)] = Organ.PORTAL_SPLENIC_VEINS.id();
      l[x + 10 * 2] = Organ.LIVER.id();
      mask[x + 10 * (1 + 4)] = 1;
    }
    PostProcess.apply(l, d, new int[] {Organ.PORTAL_SPLENIC_VEINS.id(), Organ.LIVER.id()});
    assertEquals(Organ.PORTAL_SPLENIC_VEINS.id(), l[8 + 10 * (1 + 4)], "the smaller vein piece stays");
    assertEquals(0, l[8 + 10 * 2], "the liver's smaller piece goes");
    assertEquals(Organ.LIVER.id(), l[2 + 10 * 2]);
    int[] free = mask.clone();
    PostProcess.applyToMask(mask, d, Organ.PORTAL_SPLENIC_VEINS);
    assertEquals(1, mask[8 + 10 * (1 + 4)]);
    PostProcess.applyToMask(free, d, null);
    assertEquals(0, free[8 + 10 * (1 + 4)], "a free-text prompt's mask keeps its largest piece");
    assertEquals(1, free[2 + 10 * (1 + 4)]);
  }
}
