package org.medvlm.preprocess;

import java.util.SplittableRandom;

/**
 * Applies {@link AugmentConfig} to one training sample (C x S x S image, S x S labels). The random
 * choices come only from the seed given per call, so an epoch replays exactly from
 * (seed, epoch, sample index) whatever the order or thread that processes it.
 */
public final class Augmenter {
  private final AugmentConfig config;

  public Augmenter(AugmentConfig config) {
    this.config = config;
  }

  /**
   * A sample: image channels (slice-major) and labels, both S x S per plane, the seed it was
   * augmented with (models that draw more per sample, such as Med-VLM's prompts, derive from it),
   * and which label ids its reference covers (bit k: id k is labelled; -1: all). An id that is
   * not labelled is unknown on this sample: its pixels read as background and must not be
   * taught as such.
   */
  public record Sample(float[] image, int[] labels, int size, long seed, int labelled) {
    /** Every label id labelled. */
    public static final int ALL_LABELLED = -1;

    public Sample(float[] image, int[] labels, int size) {
      this(image, labels, size, 0, ALL_LABELLED);
    }

    public Sample(float[] image, int[] labels, int size, long seed) {
      this(image, labels, size, seed, ALL_LABELLED);
    }

    /** Whether label id {@code id} is labelled on this sample. */
    public boolean isLabelled(int id) {
      return id < 0 || id >= 31 ? labelled == ALL_LABELLED : (labelled & (1 << id)) != 0;
    }
  }

  public Sample apply(Sample in, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int s = in.size();
    int channels = in.image().length / (s * s);
    float[] img = in.image().clone();
    int[] lab = in.labels() == null ? null : in.labels().clone();
    boolean flipX = rnd.nextDouble() < config.flipLeftRight();
    boolean flipY = rnd.nextDouble() < config.flipAnteriorPosterior();
    int quarterTurns = rnd.nextDouble() < config.rotate90() ? 1 + rnd.nextInt(3) : 0;
    if (flipX || flipY || quarterTurns > 0) {
      int[] map = spatialMap(s, flipX, flipY, quarterTurns);
      float[] outImg = new float[img.length];
      for (int c = 0; c < channels; c++) {
        int off = c * s * s;
        for (int i = 0; i < s * s; i++) outImg[off + i] = img[off + map[i]];
      }
      img = outImg;
      if (lab != null) {
        int[] outLab = new int[lab.length];
        for (int i = 0; i < s * s; i++) outLab[i] = lab[map[i]];
        lab = outLab;
      }
    }
    float shift = rnd.nextDouble() < config.intensityShift() ? (float) ((rnd.nextDouble() * 2 - 1) * config.shiftRange()) : 0f;
    float scale = rnd.nextDouble() < config.intensityScale() ? (float) (1 + (rnd.nextDouble() * 2 - 1) * config.scaleRange()) : 1f;
    boolean noise = rnd.nextDouble() < config.noise();
    // drawn only by sets with pose changes, so the other sets' random streams stay as they were
    if (config.pose() > 0 && rnd.nextDouble() < config.pose()) {
      double angle = Math.toRadians((rnd.nextDouble() * 2 - 1) * config.rotateDegrees());
      double zoom = 1 + (rnd.nextDouble() * 2 - 1) * config.zoomRange();
      double moveX = (rnd.nextDouble() * 2 - 1) * config.moveFraction() * s;
      double moveY = (rnd.nextDouble() * 2 - 1) * config.moveFraction() * s;
      Pose pose = new Pose(s, angle, zoom, moveX, moveY);
      img = pose.image(img, channels);
      if (lab != null) lab = pose.labels(lab);
    }
    // drawn only by sets with these changes, so the other sets' random streams stay as they were
    if (config.blur() > 0 && rnd.nextDouble() < config.blur()) img = blur(img, channels, s, 0.5 + 0.5 * rnd.nextDouble());
    if (config.lowResolution() > 0 && rnd.nextDouble() < config.lowResolution()) img = lowResolution(img, channels, s, 0.5 + 0.5 * rnd.nextDouble());
    double gamma = config.gamma() > 0 && rnd.nextDouble() < config.gamma() ? 0.7 + 0.8 * rnd.nextDouble() : 1;
    if (shift != 0 || scale != 1 || noise) {
      for (int i = 0; i < img.length; i++) {
        float v = img[i] * scale + shift;
        if (noise) v += (float) (gaussian(rnd) * config.noiseSigma());
        img[i] = v;
      }
    }
    if (gamma != 1) img = gamma(img, gamma);
    return new Sample(img, lab, s, seed, in.labelled());
  }

  /** Gamma on the sample's own value range: rescaled to [0, 1], raised to {@code g}, scaled back. */
  static float[] gamma(float[] img, double g) {
    float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
    for (float v : img) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    if (!(hi > lo)) return img;
    float[] out = new float[img.length];
    double range = hi - lo;
    for (int i = 0; i < img.length; i++) out[i] = (float) (lo + range * Math.pow((img[i] - lo) / range, g));
    return out;
  }

  /** A separable Gaussian blur of each channel (edges repeated). */
  static float[] blur(float[] img, int channels, int s, double sigma) {
    int r = (int) Math.ceil(3 * sigma);
    float[] k = new float[2 * r + 1];
    float sum = 0;
    for (int i = -r; i <= r; i++) sum += k[i + r] = (float) Math.exp(-i * i / (2 * sigma * sigma));
    for (int i = 0; i < k.length; i++) k[i] /= sum;
    float[] tmp = new float[img.length], out = new float[img.length];
    for (int c = 0; c < channels; c++) {
      int off = c * s * s;
      for (int y = 0; y < s; y++) for (int x = 0; x < s; x++) {
        float v = 0;
        for (int i = -r; i <= r; i++) v += k[i + r] * img[off + y * s + Math.min(s - 1, Math.max(0, x + i))];
        tmp[off + y * s + x] = v;
      }
      for (int y = 0; y < s; y++) for (int x = 0; x < s; x++) {
        float v = 0;
        for (int i = -r; i <= r; i++) v += k[i + r] * tmp[off + Math.min(s - 1, Math.max(0, y + i)) * s + x];
        out[off + y * s + x] = v;
      }
    }
    return out;
  }

  /** Down-sampled by {@code factor} with nearest neighbours, then bilinearly up-sampled back to S x S. */
  static float[] lowResolution(float[] img, int channels, int s, double factor) {
    int m = Math.max(2, (int) Math.round(s * factor));
    float[] out = new float[img.length];
    float[] low = new float[m * m];
    double up = (s - 1) / (double) (m - 1);
    for (int c = 0; c < channels; c++) {
      int off = c * s * s;
      for (int j = 0; j < m; j++) for (int i = 0; i < m; i++) {
        low[j * m + i] = img[off + (int) Math.round(j * up) * s + (int) Math.round(i * up)];
      }
      for (int y = 0; y < s; y++) {
        double v = y / up;
        int v0 = Math.min(m - 2, (int) v);
        float fv = (float) (v - v0);
        for (int x = 0; x < s; x++) {
          double u = x / up;
          int u0 = Math.min(m - 2, (int) u);
          float fu = (float) (u - u0);
          float top = (1 - fu) * low[v0 * m + u0] + fu * low[v0 * m + u0 + 1];
          float bottom = (1 - fu) * low[(v0 + 1) * m + u0] + fu * low[(v0 + 1) * m + u0 + 1];
          out[off + y * s + x] = (1 - fv) * top + fv * bottom;
        }
      }
    }
    return out;
  }

  /** For each output pixel, the input pixel it takes: flips first, then counter-clockwise quarter turns. */
  static int[] spatialMap(int s, boolean flipX, boolean flipY, int quarterTurns) {
    int[] map = new int[s * s];
    for (int y = 0; y < s; y++) {
      for (int x = 0; x < s; x++) {
        int sx = x, sy = y;
        for (int t = 0; t < quarterTurns; t++) { // undo one turn: (x, y) <- (s-1-y, x)
          int nx = s - 1 - sy;
          sy = sx;
          sx = nx;
        }
        if (flipX) sx = s - 1 - sx;
        if (flipY) sy = s - 1 - sy;
        map[y * s + x] = sy * s + sx;
      }
    }
    return map;
  }

  /**
   * A small in-plane pose change about the slice's centre: output pixel p shows input pixel
   * c + R(-angle) (p - c - move) / zoom. The image is interpolated bilinearly, the labels take the
   * nearest pixel; what comes from outside the slice is 0 (air, background).
   */
  static final class Pose {
    private final int size;
    private final double[] src; // source coordinates (x, y interleaved) of every output pixel, shared by image and labels

    Pose(int size, double angle, double zoom, double moveX, double moveY) {
      this.size = size;
      double c = (size - 1) / 2.0, cos = Math.cos(angle) / zoom, sin = Math.sin(angle) / zoom;
      src = new double[2 * size * size];
      for (int y = 0; y < size; y++) {
        double dy = y - c - moveY;
        for (int x = 0; x < size; x++) {
          double dx = x - c - moveX;
          int i = 2 * (y * size + x);
          src[i] = c + cos * dx + sin * dy;
          src[i + 1] = c - sin * dx + cos * dy;
        }
      }
    }

    float[] image(float[] img, int channels) {
      int s2 = size * size;
      float[] out = new float[img.length];
      for (int i = 0; i < s2; i++) {
        double sx = src[2 * i], sy = src[2 * i + 1];
        int x0 = (int) Math.floor(sx), y0 = (int) Math.floor(sy);
        float fx = (float) (sx - x0), fy = (float) (sy - y0);
        for (int c = 0; c < channels; c++) {
          int off = c * s2;
          float top = (1 - fx) * at(img, off, x0, y0) + fx * at(img, off, x0 + 1, y0);
          float bottom = (1 - fx) * at(img, off, x0, y0 + 1) + fx * at(img, off, x0 + 1, y0 + 1);
          out[off + i] = (1 - fy) * top + fy * bottom;
        }
      }
      return out;
    }

    int[] labels(int[] lab) {
      int[] out = new int[lab.length];
      for (int i = 0; i < out.length; i++) {
        int x = (int) Math.round(src[2 * i]), y = (int) Math.round(src[2 * i + 1]);
        out[i] = x >= 0 && y >= 0 && x < size && y < size ? lab[y * size + x] : 0;
      }
      return out;
    }

    private float at(float[] img, int off, int x, int y) {
      return x >= 0 && y >= 0 && x < size && y < size ? img[off + y * size + x] : 0f;
    }
  }

  private static double gaussian(SplittableRandom rnd) {
    double u1 = 1 - rnd.nextDouble();
    double u2 = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
