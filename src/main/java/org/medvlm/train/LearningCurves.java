package org.medvlm.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.medvlm.io.AtomicFiles;
import org.medvlm.io.PngFile;

/**
 * Writes {@code curves.csv} (losses, validation and training Dice per epoch) and {@code curves.png} (the
 * same as two plots), both rewritten atomically after each epoch.
 */
final class LearningCurves {
  private LearningCurves() {}

  static void write(Path dir, List<EpochMetrics> history) throws IOException {
    StringBuilder sb = new StringBuilder("epoch,train_loss,val_loss,val_slice_dice,val_mean_dice,train_mean_dice,seconds,samples_per_second");
    List<String> organs = history.isEmpty() ? List.of() : List.copyOf(history.get(history.size() - 1).valDice().keySet());
    for (String o : organs) sb.append(",val_dice_").append(o);
    sb.append('\n');
    for (EpochMetrics m : history) {
      sb.append(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.6f,%.2f,%.2f", m.epoch(), m.trainLoss(), m.valLoss(), m.valSliceDice(), m.meanValDice(),
          m.meanTrainDice(), m.seconds(), m.samplesPerSecond()));
      for (String o : organs) {
        Double d = m.valDice().get(o);
        sb.append(',').append(d == null ? "" : String.format(Locale.ROOT, "%.6f", d));
      }
      sb.append('\n');
    }
    AtomicFiles.writeText(dir.resolve("curves.csv"), true, sb.toString());
    writePng(dir.resolve("curves.png"), history);
  }

  private static void writePng(Path file, List<EpochMetrics> history) throws IOException {
    System.setProperty("java.awt.headless", System.getProperty("java.awt.headless", "true"));
    XYSeries train = new XYSeries("train loss"), val = new XYSeries("validation loss");
    XYSeries dice = new XYSeries("validation Dice (3D, mean)"), slice = new XYSeries("validation Dice (slices)");
    XYSeries trainDice = new XYSeries("train Dice (3D, mean)");
    for (EpochMetrics m : history) {
      train.add(m.epoch(), m.trainLoss());
      if (Double.isFinite(m.valLoss())) val.add(m.epoch(), m.valLoss());
      dice.add(m.epoch(), m.meanValDice());
      trainDice.add(m.epoch(), m.meanTrainDice());
      if (Double.isFinite(m.valSliceDice())) slice.add(m.epoch(), m.valSliceDice());
    }
    XYSeriesCollection losses = new XYSeriesCollection();
    losses.addSeries(train);
    losses.addSeries(val);
    XYSeriesCollection dices = new XYSeriesCollection();
    dices.addSeries(dice);
    dices.addSeries(slice);
    dices.addSeries(trainDice);
    JFreeChart a = ChartFactory.createXYLineChart("Loss", "epoch", "loss", losses);
    JFreeChart b = ChartFactory.createXYLineChart("Dice", "epoch", "Dice", dices);
    java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(1200, 450, java.awt.image.BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D g = img.createGraphics();
    a.draw(g, new java.awt.geom.Rectangle2D.Double(0, 0, 600, 450));
    b.draw(g, new java.awt.geom.Rectangle2D.Double(600, 0, 600, 450));
    g.dispose();
    PngFile.write(img, file);
  }
}
