package org.medvlm.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import net.imglib2.type.numeric.real.FloatType;
import org.medvlm.BadInputException;
import org.medvlm.volume.Geometry;
import org.medvlm.volume.Volume;

/**
 * Reads a folder holding one CT series as a volume in HU: slices sorted by their position along
 * the slice normal, Rescale Slope/Intercept applied, the affine built from Image Orientation and
 * Position and Pixel Spacing (converted from DICOM's LPS to RAS). A folder with two series,
 * inconsistent slices, duplicate positions or a gap is refused with the file at fault named.
 */
public final class DicomSeriesReader {
  /** Relative tolerance for slice spacing: gaps beyond it mean missing slices. */
  private static final double SPACING_TOLERANCE = 0.02;

  private DicomSeriesReader() {}

  /** True if the folder contains at least one DICOM file (by its DICM magic). */
  public static boolean isDicomFolder(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) return false;
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isRegularFile).anyMatch(DicomFile::looksLikeDicom);
    }
  }

  public static Volume<FloatType> read(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) throw new BadInputException(dir, "no such folder");
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(Files::isRegularFile).filter(p -> !skipped(p)).sorted().toList();
    }
    if (files.isEmpty()) throw new BadInputException(dir, "empty folder: no DICOM files");
    List<DicomSlice> slices = new ArrayList<>();
    for (Path f : files) slices.add(DicomSlice.read(f));
    return assemble(dir, slices);
  }

  private static boolean skipped(Path p) {
    String n = p.getFileName().toString();
    return n.startsWith(".") || n.equalsIgnoreCase("DICOMDIR");
  }

  static Volume<FloatType> assemble(Path dir, List<DicomSlice> slices) throws BadInputException {
    Set<String> series = new LinkedHashSet<>();
    for (DicomSlice s : slices) series.add(s.seriesUid());
    if (series.size() > 1) {
      List<String> shown = series.stream().limit(3).map(DicomFile::printable).toList();
      throw new BadInputException(dir, "holds " + series.size() + " series (" + String.join(", ", shown) + "); put each series in its own folder");
    }
    DicomSlice first = slices.get(0);
    for (DicomSlice s : slices) {
      if (s.rows() != first.rows() || s.columns() != first.columns()) {
        throw new BadInputException(s.file(), "is " + s.columns() + " x " + s.rows() + " but " + first.file().getFileName() + " is " + first.columns() + " x " + first.rows());
      }
      if (!close(s.pixelSpacing(), first.pixelSpacing(), 1e-4) || !close(s.orientation(), first.orientation(), 1e-4)) {
        throw new BadInputException(s.file(), "has another pixel spacing or orientation than " + first.file().getFileName());
      }
    }
    double[] row = unit(first.orientation(), 0, first.file());
    double[] col = unit(first.orientation(), 3, first.file());
    if (Math.abs(dot(row, col)) > 1e-3) throw new BadInputException(first.file(), "ImageOrientationPatient row and column directions are not perpendicular");
    double[] normal = cross(row, col);
    List<DicomSlice> sorted = new ArrayList<>(slices);
    sorted.sort(Comparator.comparingDouble(s -> dot(s.position(), normal)));
    double step = checkPositions(sorted, normal);
    int nx = first.columns(), ny = first.rows(), nz = sorted.size();
    float[] data = new float[nx * ny * nz];
    for (int k = 0; k < nz; k++) System.arraycopy(sorted.get(k).hu(), 0, data, k * nx * ny, nx * ny);
    double[] zDir;
    if (nz > 1) {
      double[] p0 = sorted.get(0).position(), p1 = sorted.get(nz - 1).position();
      zDir = new double[] {(p1[0] - p0[0]) / (nz - 1), (p1[1] - p0[1]) / (nz - 1), (p1[2] - p0[2]) / (nz - 1)};
    } else {
      zDir = new double[] {normal[0] * step, normal[1] * step, normal[2] * step};
    }
    double[] sp = first.pixelSpacing(); // [row spacing (along columns), column spacing (along rows)]
    double[] o = sorted.get(0).position();
    double[][] lps = new double[3][4];
    for (int r = 0; r < 3; r++) {
      lps[r][0] = row[r] * sp[1];
      lps[r][1] = col[r] * sp[0];
      lps[r][2] = zDir[r];
      lps[r][3] = o[r];
    }
    for (int c = 0; c < 4; c++) { // LPS -> RAS
      lps[0][c] = -lps[0][c];
      lps[1][c] = -lps[1][c];
    }
    return Volume.ofFloats(data, new int[] {nx, ny, nz}, Geometry.fromAffine(lps));
  }

  /**
   * Checks for duplicates (first, so that a duplicate is named as such, not as a gap at an
   * innocent neighbour) and then for gaps; returns the slice spacing. A lone slice takes the
   * header's SpacingBetweenSlices or SliceThickness; without either it is refused, since every
   * volume in mL would silently depend on a guess.
   */
  private static double checkPositions(List<DicomSlice> sorted, double[] normal) throws BadInputException {
    if (sorted.size() == 1) {
      double step = sorted.get(0).sliceStep();
      if (Double.isNaN(step)) {
        throw new BadInputException(sorted.get(0).file(), "is a single slice without SliceThickness or SpacingBetweenSlices: its slice spacing is unknown");
      }
      return step;
    }
    double[] z = sorted.stream().mapToDouble(s -> dot(s.position(), normal)).toArray();
    for (int k = 1; k < z.length; k++) {
      if (z[k] - z[k - 1] < 1e-3) {
        throw new BadInputException(sorted.get(k).file(), "has the same slice position as " + sorted.get(k - 1).file().getFileName() + " (duplicate slice)");
      }
    }
    double total = z[z.length - 1] - z[0];
    double step = total / (z.length - 1);
    for (int k = 1; k < z.length; k++) {
      double d = z[k] - z[k - 1];
      if (Math.abs(d - step) > SPACING_TOLERANCE * step + 1e-3) {
        throw new BadInputException(sorted.get(k).file(), String.format(java.util.Locale.ROOT,
            "is %.3f mm from the previous slice, expected %.3f: slices are missing or unevenly spaced", d, step));
      }
    }
    return step;
  }

  private static double[] unit(double[] iop, int off, Path file) throws BadInputException {
    double[] v = {iop[off], iop[off + 1], iop[off + 2]};
    double n = Math.sqrt(dot(v, v));
    if (!(n > 0.5 && n < 1.5)) throw new BadInputException(file, "ImageOrientationPatient has a direction of length " + n);
    return new double[] {v[0] / n, v[1] / n, v[2] / n};
  }

  private static boolean close(double[] a, double[] b, double tol) {
    for (int i = 0; i < a.length; i++) if (Math.abs(a[i] - b[i]) > tol) return false;
    return true;
  }

  private static double dot(double[] a, double[] b) {
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  }

  private static double[] cross(double[] a, double[] b) {
    return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
  }
}
