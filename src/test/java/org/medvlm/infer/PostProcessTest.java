package org.medvlm.infer;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

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
}
