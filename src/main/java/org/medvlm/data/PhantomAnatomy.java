package org.medvlm.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The anatomy of one synthetic abdomen, in patient millimetres (RAS: +x right, +y anterior,
 * +z superior; origin near the centre of L1). Each structure is a shape with a label (0 for
 * tissue that is not a BTCV organ) and a portal-venous HU value; later structures win where
 * they overlap, so the order below is the painting order. Every case varies organ sizes and
 * positions, a whole-body scale and rotation, and a smooth deformation.
 */
final class PhantomAnatomy {
  /** A region of space. */
  interface Shape {
    boolean contains(double x, double y, double z);

    /** Extent along z, to skip shapes on slices they cannot touch. */
    double zMin();

    double zMax();
  }

  /** Ellipsoid rotated about z by {@code angle} radians. */
  record Ellipsoid(double cx, double cy, double cz, double ax, double ay, double az, double angle) implements Shape {
    public boolean contains(double x, double y, double z) {
      double dx = x - cx, dy = y - cy, dz = (z - cz) / az;
      double c = Math.cos(angle), s = Math.sin(angle);
      double u = (c * dx + s * dy) / ax, v = (-s * dx + c * dy) / ay;
      return u * u + v * v + dz * dz <= 1;
    }

    public double zMin() {
      return cz - az;
    }

    public double zMax() {
      return cz + az;
    }
  }

  /** Capsule around the segment p0-p1 (a vessel or a tubular organ). */
  record Tube(double x0, double y0, double z0, double x1, double y1, double z1, double r) implements Shape {
    public boolean contains(double x, double y, double z) {
      double dx = x1 - x0, dy = y1 - y0, dz = z1 - z0;
      double len2 = dx * dx + dy * dy + dz * dz;
      double t = len2 == 0 ? 0 : ((x - x0) * dx + (y - y0) * dy + (z - z0) * dz) / len2;
      t = Math.max(0, Math.min(1, t));
      double ex = x - (x0 + t * dx), ey = y - (y0 + t * dy), ez = z - (z0 + t * dz);
      return ex * ex + ey * ey + ez * ez <= r * r;
    }

    public double zMin() {
      return Math.min(z0, z1) - r;
    }

    public double zMax() {
      return Math.max(z0, z1) + r;
    }
  }

  /** Elliptic cylinder along z (body wall, fat layers). */
  record Cylinder(double cx, double cy, double ax, double ay, double zLo, double zHi) implements Shape {
    public boolean contains(double x, double y, double z) {
      double u = (x - cx) / ax, v = (y - cy) / ay;
      return z >= zLo && z <= zHi && u * u + v * v <= 1;
    }

    public double zMin() {
      return zLo;
    }

    public double zMax() {
      return zHi;
    }
  }

  /** Part of one shape that is also inside another (e.g. the gas in the stomach's fundus). */
  record Intersection(Shape a, Shape b) implements Shape {
    public boolean contains(double x, double y, double z) {
      return a.contains(x, y, z) && b.contains(x, y, z);
    }

    public double zMin() {
      return Math.max(a.zMin(), b.zMin());
    }

    public double zMax() {
      return Math.min(a.zMax(), b.zMax());
    }
  }

  /** A rib: a thin band following the body wall at one height. */
  record Rib(double cx, double cy, double ax, double ay, double z, double thickness, double side) implements Shape {
    public boolean contains(double x, double y, double zz) {
      if (Math.abs(zz - z) > thickness / 2 || (x - cx) * side < 5) return false;
      if (y - cy > ay * 0.55) return false; // ribs end at the costal cartilages
      double u = (x - cx) / ax, v = (y - cy) / ay;
      double r = Math.sqrt(u * u + v * v);
      return r >= 0.86 && r <= 0.92;
    }

    public double zMin() {
      return z - thickness / 2;
    }

    public double zMax() {
      return z + thickness / 2;
    }
  }

  /** One painted structure. */
  record Structure(String name, int label, double hu, Shape shape) {}

  final List<Structure> structures = new ArrayList<>();
  final double bodyAx;
  final double bodyAy;
  final double tableY;
  private final double rot;
  private final double scale;
  private final double[] shift;
  private final double[][] wave; // per axis: amplitude, kx, ky, kz, phase

  PhantomAnatomy(SplittableRandom rnd) {
    scale = 0.9 + 0.2 * rnd.nextDouble();
    rot = Math.toRadians(-8 + 16 * rnd.nextDouble());
    shift = new double[] {jitter(rnd, 10), jitter(rnd, 10), jitter(rnd, 15)};
    wave = new double[3][];
    for (int a = 0; a < 3; a++) {
      wave[a] = new double[] {2 + 4 * rnd.nextDouble(), jitter(rnd, 0.04), jitter(rnd, 0.04), jitter(rnd, 0.03), rnd.nextDouble() * 2 * Math.PI};
    }
    bodyAx = 150 + 30 * rnd.nextDouble();
    bodyAy = 105 + 25 * rnd.nextDouble();
    double fat = 12 + 20 * rnd.nextDouble();
    double bodyCy = -5;
    tableY = bodyCy - bodyAy - 25;
    double top = 260, bottom = -260;
    // body: subcutaneous fat, muscle wall, visceral fat
    add("subcutaneous fat", 0, -100, new Cylinder(0, bodyCy, bodyAx, bodyAy, bottom, top));
    add("abdominal wall", 0, 45, new Cylinder(0, bodyCy, bodyAx - fat, bodyAy - fat, bottom, top));
    add("visceral fat", 0, -90, new Cylinder(0, bodyCy, bodyAx - fat - 10, bodyAy - fat - 10, bottom, top));
    // lung bases and heart above the diaphragm
    add("right lung", 0, -850, e(rnd, 75, -15, 175, 65, 70, 90, 0));
    add("left lung", 0, -850, e(rnd, -75, -15, 175, 65, 70, 90, 0));
    add("heart", 0, 45, e(rnd, -15, 30, 175, 60, 50, 45, 0.3));
    // bowel loops in the lower abdomen: fluid and gas
    for (int i = 0; i < 14; i++) {
      double x = jitter(rnd, 90), y = 10 + jitter(rnd, 50), z = -40 - 150 * rnd.nextDouble();
      boolean gas = rnd.nextDouble() < 0.35;
      add("bowel", 0, gas ? -850 : 15 + 20 * rnd.nextDouble(), new Tube(x, y, z, x + jitter(rnd, 40), y + jitter(rnd, 20), z + jitter(rnd, 30), 10 + 6 * rnd.nextDouble()));
    }
    // muscles and spine
    add("right psoas", 0, 50, new Tube(35, -50, 40, 45, -40, -200, 12 + 4 * rnd.nextDouble()));
    add("left psoas", 0, 50, new Tube(-35, -50, 40, -45, -40, -200, 12 + 4 * rnd.nextDouble()));
    add("right erector spinae", 0, 50, new Tube(35, -95, top, 35, -95, bottom, 22));
    add("left erector spinae", 0, 50, new Tube(-35, -95, top, -35, -95, bottom, 22));
    add("vertebral bodies", 0, 700, new Tube(0, -60, top, 0, -60, bottom, 21));
    add("cancellous bone", 0, 230, new Tube(0, -60, top, 0, -60, bottom, 17));
    add("posterior elements", 0, 600, new Tube(0, -88, top, 0, -88, bottom, 12));
    add("spinal canal", 0, 15, new Tube(0, -80, top, 0, -80, bottom, 8));
    for (double z = 0; z < top; z += 24 + 4 * rnd.nextDouble()) {
      for (double side : new double[] {1, -1}) {
        add("rib", 0, 650, new Rib(0, bodyCy, bodyAx - fat - 4, bodyAy - fat - 4, z, 9, side));
      }
    }
    // organs, BTCV ids; portal-venous phase HU
    add("liver right lobe", 6, 105, e(rnd, 60, 0, 65, 80, 78, 75, 0.1));
    add("liver left lobe", 6, 105, e(rnd, -15, 40, 85, 55, 35, 35, -0.2));
    add("gallbladder", 4, 10, e(rnd, 58, 45, 20, 15, 18, 32, 0.4));
    add("spleen", 1, 115, e(rnd, -95, -35, 65, 22, 45, 50, -0.6));
    add("stomach", 7, 35, e(rnd, -50, 22, 60, 45, 33, 48, 0.5));
    Shape stomach = structures.get(structures.size() - 1).shape();
    add("gastric fluid", 7, 12, new Intersection(stomach, e(rnd, -50, 10, 50, 35, 22, 30, 0.5)));
    add("gastric gas", 7, -900, new Intersection(stomach, new Ellipsoid(-50, 50, 80, 60, 22, 30, 0)));
    add("right kidney", 2, 165, e(rnd, 68, -42, -20, 27, 24, 50, -0.35));
    add("right renal sinus", 2, 60, e(rnd, 55, -38, -20, 8, 8, 20, 0));
    add("left kidney", 3, 165, e(rnd, -68, -42, -5, 27, 24, 50, 0.35));
    add("left renal sinus", 3, 60, e(rnd, -55, -38, -5, 8, 8, 20, 0));
    add("pancreas head", 11, 100, e(rnd, 25, 0, 10, 20, 14, 20, 0));
    add("pancreas body and tail", 11, 100, new Tube(15, 8, 15, -78, -18 + jitter(rnd, 5), 40 + jitter(rnd, 8), 10 + 2 * rnd.nextDouble()));
    add("splenic vein", 10, 170, new Tube(8, -2, 18, -82, -28, 42, 4.5));
    add("portal vein", 10, 170, new Tube(8, -2, 18, 42, 6, 62, 6.5));
    add("esophagus", 5, 40, new Tube(-8, -35, top, -28, -12, 62, 8 + 2 * rnd.nextDouble()));
    add("aorta", 8, 175, new Tube(-14, -28, top, -14, -28, -125, 11 + 2 * rnd.nextDouble()));
    add("inferior vena cava", 9, 140, new Tube(22, -26, 120, 22, -26, bottom, 10 + 2 * rnd.nextDouble()));
    add("right adrenal gland", 12, 35, e(rnd, 40, -38, 42, 5, 13, 15, 0.5));
    add("left adrenal gland", 13, 35, e(rnd, -40, -33, 32, 5, 13, 15, -0.5));
  }

  private void add(String name, int label, double hu, Shape shape) {
    structures.add(new Structure(name, label, hu, shape));
  }

  /** An organ ellipsoid with case-specific position (+-8 mm) and size (+-12%) changes. */
  private static Ellipsoid e(SplittableRandom rnd, double cx, double cy, double cz, double ax, double ay, double az, double angle) {
    return new Ellipsoid(cx + jitter(rnd, 8), cy + jitter(rnd, 6), cz + jitter(rnd, 8),
        ax * (0.88 + 0.24 * rnd.nextDouble()), ay * (0.88 + 0.24 * rnd.nextDouble()), az * (0.88 + 0.24 * rnd.nextDouble()),
        angle + jitter(rnd, 0.2));
  }

  private static double jitter(SplittableRandom rnd, double amount) {
    return (rnd.nextDouble() * 2 - 1) * amount;
  }

  /** World (scanner) position to anatomy coordinates: undo the case's pose, then deform. */
  void toAnatomy(double wx, double wy, double wz, double[] out) {
    double x = (wx - shift[0]) / scale, y = (wy - shift[1]) / scale, z = (wz - shift[2]) / scale;
    double c = Math.cos(rot), s = Math.sin(rot);
    double u = c * x + s * y, v = -s * x + c * y;
    double[] p = {u, v, z};
    for (int a = 0; a < 3; a++) {
      double[] w = wave[a];
      out[a] = p[a] + w[0] * Math.sin(w[1] * p[0] + w[2] * p[1] + w[3] * p[2] + w[4]);
    }
  }

  /** Scanner coordinates of the patient table's top (below the back, not part of the body). */
  double tableTopWorldY() {
    return shift[1] + scale * tableY;
  }
}
