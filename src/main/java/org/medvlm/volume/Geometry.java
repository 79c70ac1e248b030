package org.medvlm.volume;

import java.util.Arrays;
import java.util.Locale;

/**
 * Where a voxel grid lies in the patient: the 4 x 4 affine from voxel index (i, j, k) to world
 * coordinates in millimetres, RAS+ as in NIfTI (+x = patient's Right, +y = Anterior, +z = Superior).
 * Immutable. Spacing, origin and direction cosines are derived from
 * the affine, so there is one source of truth.
 */
public final class Geometry {
  private final double[][] affine; // 3 x 4, last row implied (0 0 0 1)

  private Geometry(double[][] affine) {
    this.affine = affine;
  }

  /** From the top three rows of an affine (3 x 4 or 4 x 4). */
  public static Geometry fromAffine(double[][] rows) {
    double[][] a = new double[3][4];
    for (int r = 0; r < 3; r++) {
      if (rows[r].length != 4) throw new IllegalArgumentException("affine rows must have 4 entries");
      a[r] = rows[r].clone();
    }
    return new Geometry(a);
  }

  /** Axis-aligned RAS grid with the given spacing and origin (first voxel centre). */
  public static Geometry of(double[] spacing, double[] origin) {
    return of(spacing, origin, new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}});
  }

  /** From spacing, origin and direction cosines (columns of {@code direction} are the axes). */
  public static Geometry of(double[] spacing, double[] origin, double[][] direction) {
    double[][] a = new double[3][4];
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 3; c++) a[r][c] = direction[r][c] * spacing[c];
      a[r][3] = origin[r];
    }
    return new Geometry(a);
  }

  /** Copy of the 4 x 4 affine. */
  public double[][] affine() {
    double[][] a = new double[4][];
    for (int r = 0; r < 3; r++) a[r] = affine[r].clone();
    a[3] = new double[] {0, 0, 0, 1};
    return a;
  }

  /** Voxel size along each index axis (length of each affine column). */
  public double[] spacing() {
    double[] s = new double[3];
    for (int c = 0; c < 3; c++) s[c] = Math.sqrt(sq(affine[0][c]) + sq(affine[1][c]) + sq(affine[2][c]));
    return s;
  }

  /** World position of voxel (0, 0, 0). */
  public double[] origin() {
    return new double[] {affine[0][3], affine[1][3], affine[2][3]};
  }

  /** Unit direction of each index axis: {@code direction()[r][c]} is world component r of axis c. */
  public double[][] direction() {
    double[] s = spacing();
    double[][] d = new double[3][3];
    for (int r = 0; r < 3; r++) for (int c = 0; c < 3; c++) d[r][c] = affine[r][c] / s[c];
    return d;
  }

  /** World position of a (possibly fractional) voxel index. */
  public double[] indexToWorld(double i, double j, double k) {
    double[] w = new double[3];
    for (int r = 0; r < 3; r++) w[r] = affine[r][0] * i + affine[r][1] * j + affine[r][2] * k + affine[r][3];
    return w;
  }

  /**
   * Largest deviation of the direction cosines from an orthonormal frame (0 for a proper grid).
   * Sheared or degenerate affines cannot be reoriented exactly and are rejected by the readers.
   */
  public double orthonormalityError() {
    double[][] d = direction();
    double err = 0;
    for (int a = 0; a < 3; a++) {
      for (int b = a; b < 3; b++) {
        double dot = d[0][a] * d[0][b] + d[1][a] * d[1][b] + d[2][a] * d[2][b];
        err = Math.max(err, Math.abs(dot - (a == b ? 1 : 0)));
      }
    }
    return Double.isFinite(err) ? err : Double.POSITIVE_INFINITY;
  }

  /**
   * True when no grid can be built from the affine, sheared or not: an axis of zero or non-finite
   * length, or axes (nearly) parallel, so the direction matrix is singular.
   */
  public boolean isDegenerate() {
    for (double s : spacing()) if (!(s > 0) || !Double.isFinite(s)) return true;
    double[][] d = direction();
    double det = d[0][0] * (d[1][1] * d[2][2] - d[1][2] * d[2][1])
        - d[0][1] * (d[1][0] * d[2][2] - d[1][2] * d[2][0])
        + d[0][2] * (d[1][0] * d[2][1] - d[1][1] * d[2][0]);
    return !(Math.abs(det) > 1e-3);
  }

  /** Orientation code such as "RAS" or "LPS": the world direction each index axis points towards. */
  public String orientationCode() {
    return Orientation.code(Orientation.closestAxes(direction()));
  }

  /**
   * The geometry of a grid derived from this one by an index map: new index n maps to old index
   * {@code old = M n + t}, with M given column-wise as {@code indexMatrix[oldAxis][newAxis]}.
   */
  public Geometry mapIndex(double[][] indexMatrix, double[] indexOffset) {
    double[][] a = new double[3][4];
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 3; c++) {
        double v = 0;
        for (int k = 0; k < 3; k++) v += affine[r][k] * indexMatrix[k][c];
        a[r][c] = v;
      }
      double t = affine[r][3];
      for (int k = 0; k < 3; k++) t += affine[r][k] * indexOffset[k];
      a[r][3] = t;
    }
    return new Geometry(a);
  }

  /** True if every affine entry differs by at most {@code tol} (mm). */
  public boolean approxEquals(Geometry other, double tol) {
    for (int r = 0; r < 3; r++) for (int c = 0; c < 4; c++) {
      if (!(Math.abs(affine[r][c] - other.affine[r][c]) <= tol)) return false;
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Geometry g && Arrays.deepEquals(affine, g.affine);
  }

  @Override
  public int hashCode() {
    return Arrays.deepHashCode(affine);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (int r = 0; r < 3; r++) {
      sb.append(r == 0 ? "[" : " ");
      sb.append(String.format(Locale.ROOT, "[%.6g, %.6g, %.6g, %.6g]", affine[r][0], affine[r][1], affine[r][2], affine[r][3]));
    }
    return sb.append(" [0, 0, 0, 1]]").toString();
  }

  private static double sq(double v) {
    return v * v;
  }
}
