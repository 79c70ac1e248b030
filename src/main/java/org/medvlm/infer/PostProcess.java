package org.medvlm.infer;

/**
 * 3D clean-up of a label map, organ by organ: keep the largest 6-connected component and fill
 * holes (background regions enclosed by the organ). Works on the organ's bounding box only.
 */
public final class PostProcess {
  private PostProcess() {}

  public static void apply(int[] labels, int[] d, int[] organIds) {
    for (int id : organIds) {
      int[] box = bbox(labels, d, id);
      if (box == null) continue;
      keepLargest(labels, d, id, box);
      fillHoles(labels, d, id, box);
    }
  }

  private static int[] bbox(int[] l, int[] d, int id) {
    int[] b = {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, -1, -1, -1};
    int i = 0;
    for (int z = 0; z < d[2]; z++) for (int y = 0; y < d[1]; y++) for (int x = 0; x < d[0]; x++, i++) {
      if (l[i] != id) continue;
      b[0] = Math.min(b[0], x); b[1] = Math.min(b[1], y); b[2] = Math.min(b[2], z);
      b[3] = Math.max(b[3], x); b[4] = Math.max(b[4], y); b[5] = Math.max(b[5], z);
    }
    return b[3] < 0 ? null : b;
  }

  /** Labels the 6-connected components of voxels matching {@code inside} within the box. */
  private interface Inside {
    boolean test(int index);
  }

  private static int[] components(int[] d, int[] box, Inside inside, int[] sizes) {
    int bx = box[3] - box[0] + 1, by = box[4] - box[1] + 1, bz = box[5] - box[2] + 1;
    int[] comp = new int[bx * by * bz];
    int[] queue = new int[comp.length];
    int next = 0;
    for (int start = 0; start < comp.length; start++) {
      if (comp[start] != 0 || !inside.test(full(start, bx, by, box, d))) continue;
      next++;
      int head = 0, tail = 0;
      queue[tail++] = start;
      comp[start] = next;
      while (head < tail) {
        int p = queue[head++];
        int x = p % bx, y = (p / bx) % by, z = p / (bx * by);
        int[][] nb = {{x - 1, y, z}, {x + 1, y, z}, {x, y - 1, z}, {x, y + 1, z}, {x, y, z - 1}, {x, y, z + 1}};
        for (int[] n : nb) {
          if (n[0] < 0 || n[1] < 0 || n[2] < 0 || n[0] >= bx || n[1] >= by || n[2] >= bz) continue;
          int q = n[0] + bx * (n[1] + by * n[2]);
          if (comp[q] == 0 && inside.test(full(q, bx, by, box, d))) {
            comp[q] = next;
            queue[tail++] = q;
          }
        }
      }
      if (sizes != null && next < sizes.length) sizes[next] = tail;
    }
    return comp;
  }

  private static int full(int p, int bx, int by, int[] box, int[] d) {
    int x = p % bx + box[0], y = (p / bx) % by + box[1], z = p / (bx * by) + box[2];
    return x + d[0] * (y + d[1] * z);
  }

  private static void keepLargest(int[] l, int[] d, int id, int[] box) {
    int n = (box[3] - box[0] + 1) * (box[4] - box[1] + 1) * (box[5] - box[2] + 1);
    int[] sizes = new int[n + 2];
    int[] comp = components(d, box, i -> l[i] == id, sizes);
    int best = 1;
    for (int c = 2; c < sizes.length; c++) if (sizes[c] > sizes[best]) best = c;
    int bx = box[3] - box[0] + 1, by = box[4] - box[1] + 1;
    for (int p = 0; p < comp.length; p++) {
      if (comp[p] != 0 && comp[p] != best) l[full(p, bx, by, box, d)] = 0;
    }
  }

  /** Background components of the box that do not touch its faces are holes: they become the organ. */
  private static void fillHoles(int[] l, int[] d, int id, int[] box) {
    int[] comp = components(d, box, i -> l[i] == 0, null);
    int bx = box[3] - box[0] + 1, by = box[4] - box[1] + 1, bz = box[5] - box[2] + 1;
    java.util.Set<Integer> touching = new java.util.HashSet<>();
    for (int p = 0; p < comp.length; p++) {
      if (comp[p] == 0) continue;
      int x = p % bx, y = (p / bx) % by, z = p / (bx * by);
      if (x == 0 || y == 0 || z == 0 || x == bx - 1 || y == by - 1 || z == bz - 1) touching.add(comp[p]);
    }
    for (int p = 0; p < comp.length; p++) {
      if (comp[p] != 0 && !touching.contains(comp[p])) l[full(p, bx, by, box, d)] = id;
    }
  }
}
