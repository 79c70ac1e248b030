package org.medvlm.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import net.imglib2.type.numeric.integer.IntType;
import net.imglib2.type.numeric.real.FloatType;
import org.medvlm.BadInputException;
import org.medvlm.io.NiftiDatatype;
import org.medvlm.io.NiftiWriter;
import org.medvlm.volume.Geometry;
import org.medvlm.volume.Reorientation;
import org.medvlm.volume.Volume;

/**
 * Synthetic BTCV-shaped CT: all 13 organs, body wall, fat, muscle, spine, ribs, bowel, lung
 * bases, the patient table, blur and noise, with labels that are exactly the painted organs.
 * At {@code size} 512 the grids match BTCV (85 to 198 slices of 2.5 to 5 mm, 0.55 to 0.95 mm
 * in-plane); smaller sizes keep the field of view and scale the slice count with the size.
 * Cases are stored in a mix of orientations (LPS, RAS, LAS, LPI) so reorientation is exercised.
 * The same seed gives the same bytes.
 */
public final class PhantomGenerator {
  private static final String[] ORIENTATIONS = {"LPS", "RAS", "LAS", "LPI"};

  /** One generated case in its storage orientation. */
  public record Phantom(Volume<FloatType> image, Volume<IntType> labels) {}

  private PhantomGenerator() {}

  /** Writes {@code img/imgNNNN.nii.gz} and {@code label/labelNNNN.nii.gz} for cases 1..n. */
  public static void writeDataset(Path out, int cases, long seed, int size, boolean overwrite, Consumer<String> progress) throws IOException {
    if (cases < 1) throw new BadInputException("{cases}", "must be at least 1, got " + cases);
    checkSize(size);
    Files.createDirectories(out.resolve("img"));
    Files.createDirectories(out.resolve("label"));
    for (int c = 1; c <= cases; c++) {
      Path img = out.resolve("img").resolve(String.format("img%04d.nii.gz", c));
      Path lab = out.resolve("label").resolve(String.format("label%04d.nii.gz", c));
      if (!overwrite && Files.exists(img)) throw new BadInputException(img, "already exists (use {overwrite} to replace it)");
      if (!overwrite && Files.exists(lab)) throw new BadInputException(lab, "already exists (use {overwrite} to replace it)");
      Phantom p = generate(seed, c, size);
      NiftiWriter.write(p.image(), img, NiftiDatatype.INT16, overwrite);
      NiftiWriter.write(p.labels(), lab, NiftiDatatype.UINT8, overwrite);
      int[] d = p.image().dims();
      progress.accept(String.format("case %d/%d: %d x %d x %d, %s", c, cases, d[0], d[1], d[2], p.image().geometry().orientationCode()));
    }
  }

  private static void checkSize(int size) throws BadInputException {
    if (size < 32 || size > 1024) throw new BadInputException("{size}", "must be 32 to 1024, got " + size);
  }

  /** The RAS grid a case is rendered on (cheap: nothing is rendered). */
  public static org.medvlm.volume.Grid grid(long seed, int caseIndex, int size) throws BadInputException {
    return plan(seed, caseIndex, size, 0).grid;
  }

  private record Plan(PhantomAnatomy anatomy, org.medvlm.volume.Grid grid, double noiseSigma, long noiseSeed) {}

  private static Plan plan(long seed, int caseIndex, int size, int fixedSlices) throws BadInputException {
    checkSize(size);
    if (caseIndex < 1) throw new IllegalArgumentException("phantom case numbers start at 1, not " + caseIndex);
    SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + caseIndex);
    PhantomAnatomy anatomy = new PhantomAnatomy(rnd.split());
    double fov = Math.max(2 * anatomy.bodyAx * 1.1 + 60, 300 + 180 * rnd.nextDouble());
    double inPlane = fov / size;
    double thickness512 = 2.5 + 2.5 * rnd.nextDouble();
    double zFov = 280 + 200 * rnd.nextDouble();
    int slices512 = (int) Math.max(85, Math.min(198, Math.round(zFov / thickness512)));
    int slices = fixedSlices > 0 ? fixedSlices : Math.max(8, (int) Math.round(slices512 * size / 512.0));
    double thickness = thickness512 * slices512 / slices;
    double zTop = 120 + 60 * rnd.nextDouble();
    double[] origin = {-fov / 2 + inPlane / 2, -fov / 2 + inPlane / 2 - 20, zTop - (slices - 1) * thickness};
    Geometry ras = Geometry.of(new double[] {inPlane, inPlane, thickness}, origin);
    return new Plan(anatomy, new org.medvlm.volume.Grid(new int[] {size, size, slices}, ras), 8 + 12 * rnd.nextDouble(), rnd.nextLong());
  }

  public static Phantom generate(long seed, int caseIndex, int size) throws BadInputException {
    return generate(seed, caseIndex, size, 0);
  }

  /** A case with a fixed number of slices (0: chosen like BTCV), e.g. for benchmarks. */
  public static Phantom generate(long seed, int caseIndex, int size, int slices) throws BadInputException {
    Plan plan = plan(seed, caseIndex, size, slices);
    int[] dims = plan.grid.dims();
    Geometry ras = plan.grid.geometry();
    float[] hu = new float[dims[0] * dims[1] * dims[2]];
    int[] labels = new int[hu.length];
    IntStream.range(0, dims[2]).parallel().forEach(k -> renderSlice(plan.anatomy, ras, dims, k, hu, labels, plan.noiseSigma, plan.noiseSeed));
    String code = ORIENTATIONS[(caseIndex - 1) % ORIENTATIONS.length];
    Volume<FloatType> image = Volume.ofFloats(hu, dims, ras);
    Volume<IntType> label = Volume.ofLabels(labels, dims, ras);
    Reorientation r = Reorientation.to(code, ras, dims);
    return new Phantom(r.apply(image), r.apply(label));
  }

  private static void renderSlice(PhantomAnatomy a, Geometry g, int[] d, int k, float[] hu, int[] labels, double sigma, long seed) {
    int w = d[0], h = d[1];
    int off = k * w * h;
    double[] p = new double[3];
    double wz = g.indexToWorld(0, 0, k)[2];
    double tableTop = a.tableTopWorldY();
    var candidates = a.structures.stream().filter(s -> {
      double z = wz; // deformation moves z by at most ~6 mm and scale by 10%: use a generous band
      return s.shape().zMax() >= z / 1.1 - 40 && s.shape().zMin() <= z / 0.9 + 40;
    }).toList();
    float[] plane = new float[w * h];
    for (int j = 0; j < h; j++) {
      for (int i = 0; i < w; i++) {
        double[] world = g.indexToWorld(i, j, k);
        a.toAnatomy(world[0], world[1], world[2], p);
        float value = -1000;
        int label = 0;
        for (int s = candidates.size() - 1; s >= 0; s--) {
          PhantomAnatomy.Structure st = candidates.get(s);
          if (st.shape().contains(p[0], p[1], p[2])) {
            value = (float) st.hu();
            label = st.label();
            break;
          }
        }
        if (label == 0 && value == -1000 && world[1] <= tableTop && world[1] >= tableTop - 10 && Math.abs(world[0]) < 210) {
          value = 250; // patient table
        }
        plane[j * w + i] = value;
        labels[off + j * w + i] = label;
      }
    }
    blur(plane, w, h);
    SplittableRandom noise = new SplittableRandom(seed + 0x632BE59BD9B4E019L * (k + 1));
    for (int i = 0; i < plane.length; i++) {
      double v = plane[i] + sigma * gaussian(noise);
      hu[off + i] = (float) Math.max(-1024, Math.min(3071, Math.rint(v)));
    }
  }

  /** Slight in-plane blur ([1 2 1] / 4 along x and y), like a soft reconstruction kernel. */
  private static void blur(float[] v, int w, int h) {
    float[] t = new float[v.length];
    for (int j = 0; j < h; j++) for (int i = 0; i < w; i++) {
      int l = Math.max(0, i - 1), r = Math.min(w - 1, i + 1);
      t[j * w + i] = 0.25f * v[j * w + l] + 0.5f * v[j * w + i] + 0.25f * v[j * w + r];
    }
    for (int j = 0; j < h; j++) for (int i = 0; i < w; i++) {
      int u = Math.max(0, j - 1), b = Math.min(h - 1, j + 1);
      v[j * w + i] = 0.25f * t[u * w + i] + 0.5f * t[j * w + i] + 0.25f * t[b * w + i];
    }
  }

  private static double gaussian(SplittableRandom rnd) {
    double u1 = 1 - rnd.nextDouble();
    double u2 = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
