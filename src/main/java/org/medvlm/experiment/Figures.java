package org.medvlm.experiment;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import net.imglib2.type.numeric.integer.IntType;
import net.imglib2.type.numeric.real.FloatType;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;
import org.medvlm.data.Organ;
import org.medvlm.io.PngFile;
import org.medvlm.volume.Reorientation;
import org.medvlm.volume.Volume;

/** The report's figures: per-organ Dice bars, and contour overlays of reference and prediction on CT slices. */
final class Figures {
  private Figures() {}

  static void diceBars(Path file, String model, Map<String, Double> dice) throws IOException {
    System.setProperty("java.awt.headless", System.getProperty("java.awt.headless", "true"));
    DefaultCategoryDataset ds = new DefaultCategoryDataset();
    for (Organ o : Organ.values()) ds.addValue(dice.getOrDefault(o.key(), Double.NaN), "validation Dice", o.displayName());
    JFreeChart chart = ChartFactory.createBarChart(model + ": validation Dice per organ (3D, original grids)", "", "Dice", ds, PlotOrientation.HORIZONTAL,
        false, false, false);
    chart.getCategoryPlot().getRangeAxis().setRange(0, 1);
    BufferedImage img = chart.createBufferedImage(900, 520);
    PngFile.write(img, file);
  }

  /**
   * The axial slice where the reference shows the most of {@code organ}, in radiological view,
   * with the reference contour in green and the prediction's in red; false when the organ is absent.
   */
  static boolean overlay(Path file, String title, Volume<FloatType> ct, Volume<IntType> reference, Volume<IntType> prediction, Organ organ) throws IOException {
    Reorientation r = Reorientation.to("LPS", ct.geometry(), ct.dims());
    float[] img = Volume.floats(r.apply(ct));
    int[] ref = Volume.ints(Reorientation.to("LPS", reference.geometry(), reference.dims()).apply(reference));
    int[] pred = Volume.ints(Reorientation.to("LPS", prediction.geometry(), prediction.dims()).apply(prediction));
    int[] d = r.outputDims();
    int plane = d[0] * d[1];
    int best = -1;
    long most = 0;
    for (int z = 0; z < d[2]; z++) {
      long n = 0;
      for (int i = 0; i < plane; i++) if (ref[z * plane + i] == organ.id()) n++;
      if (n > most) {
        most = n;
        best = z;
      }
    }
    if (best < 0) return false;
    double[] sp = r.outputGeometry(ct.geometry()).spacing();
    int scale = Math.max(1, (int) Math.round(512.0 / Math.max(d[0] * sp[0], d[1] * sp[1]) * Math.min(sp[0], sp[1])));
    int sx = (int) Math.round(d[0] * sp[0] / Math.min(sp[0], sp[1])) * scale;
    int sy = (int) Math.round(d[1] * sp[1] / Math.min(sp[0], sp[1])) * scale;
    BufferedImage out = new BufferedImage(sx, sy + 28, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < sy; y++) {
      for (int x = 0; x < sx; x++) {
        int ix = Math.min(d[0] - 1, (int) ((long) x * d[0] / sx));
        int iy = Math.min(d[1] - 1, (int) ((long) y * d[1] / sy));
        int i = best * plane + iy * d[0] + ix;
        int g = (int) Math.max(0, Math.min(255, (img[i] + 175) / 425 * 255));
        int rgb = (g << 16) | (g << 8) | g;
        if (edge(ref, d, best, ix, iy, organ.id())) rgb = 0x00e000;
        if (edge(pred, d, best, ix, iy, organ.id())) rgb = edge(ref, d, best, ix, iy, organ.id()) ? 0xffff00 : 0xff2020;
        out.setRGB(x, y + 28, rgb);
      }
    }
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    g.drawString(title + ", " + organ.displayName() + ", slice " + best + ": reference green, prediction red", 6, 19);
    g.dispose();
    PngFile.write(out, file);
    return true;
  }

  /** Whether (x, y) of slice z is inside the organ with a 4-neighbour outside. */
  private static boolean edge(int[] v, int[] d, int z, int x, int y, int id) {
    int plane = d[0] * d[1];
    if (v[z * plane + y * d[0] + x] != id) return false;
    int[][] nb = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};
    for (int[] n : nb) {
      int nx = x + n[0];
      int ny = y + n[1];
      if (nx < 0 || ny < 0 || nx >= d[0] || ny >= d[1] || v[z * plane + ny * d[0] + nx] != id) return true;
    }
    return false;
  }
}
