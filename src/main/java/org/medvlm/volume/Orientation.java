package org.medvlm.volume;

/**
 * Axis codes of a voxel grid. For each index axis: which world axis (0 = x, 1 = y, 2 = z) it runs
 * along and in which sense. Oblique grids get the closest axes, chosen jointly (the assignment of
 * index axes to world axes that maximises the summed |cosine|), as nibabel's io_orientation does.
 */
public final class Orientation {
  private static final String POSITIVE = "RAS";
  private static final String NEGATIVE = "LPI";
  private static final int[][] PERMUTATIONS = {
    {0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}
  };

  private Orientation() {}

  /**
   * For each index axis c, {@code result[c] = worldAxis + 1} when the axis points towards +world,
   * or {@code -(worldAxis + 1)} when towards -world.
   */
  public static int[] closestAxes(double[][] direction) {
    int[] best = null;
    double bestScore = -1;
    for (int[] p : PERMUTATIONS) {
      double score = 0;
      for (int c = 0; c < 3; c++) score += Math.abs(direction[p[c]][c]);
      if (score > bestScore) {
        bestScore = score;
        best = p;
      }
    }
    int[] axes = new int[3];
    for (int c = 0; c < 3; c++) {
      int w = best[c];
      axes[c] = direction[w][c] >= 0 ? w + 1 : -(w + 1);
    }
    return axes;
  }

  public static String code(int[] axes) {
    StringBuilder sb = new StringBuilder(3);
    for (int a : axes) sb.append(a > 0 ? POSITIVE.charAt(a - 1) : NEGATIVE.charAt(-a - 1));
    return sb.toString();
  }

  /** Parses a code such as "RAS", "LPS" or "PIR" into axes as returned by {@link #closestAxes}. */
  public static int[] parse(String code) {
    if (code == null || code.length() != 3) throw new IllegalArgumentException("orientation code must have 3 letters: " + code);
    int[] axes = new int[3];
    boolean[] seen = new boolean[3];
    for (int c = 0; c < 3; c++) {
      char ch = Character.toUpperCase(code.charAt(c));
      int p = POSITIVE.indexOf(ch);
      int n = NEGATIVE.indexOf(ch);
      int w = p >= 0 ? p : n;
      if (w < 0 || seen[w]) throw new IllegalArgumentException("not a valid orientation code: " + code);
      seen[w] = true;
      axes[c] = p >= 0 ? w + 1 : -(w + 1);
    }
    return axes;
  }
}
