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
    if (shift != 0 || scale != 1 || noise) {
      for (int i = 0; i < img.length; i++) {
        float v = img[i] * scale + shift;
        if (noise) v += (float) (gaussian(rnd) * config.noiseSigma());
        img[i] = v;
      }
    }
    return new Sample(img, lab, s, seed, in.labelled());
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
