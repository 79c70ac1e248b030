package org.medvlm.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.medvlm.io.AtomicFiles;

/** Writes {@code curves.csv}: losses and validation Dice per epoch (rewritten after each epoch). */
final class LearningCurves {
  private LearningCurves() {}

  static void write(Path dir, List<EpochMetrics> history) throws IOException {
    StringBuilder sb = new StringBuilder("epoch,train_loss,val_loss,val_slice_dice,val_mean_dice,seconds,samples_per_second");
    List<String> organs = history.isEmpty() ? List.of() : List.copyOf(history.get(history.size() - 1).valDice().keySet());
    for (String o : organs) sb.append(",val_dice_").append(o);
    sb.append('\n');
    for (EpochMetrics m : history) {
      sb.append(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.2f,%.2f", m.epoch(), m.trainLoss(), m.valLoss(), m.valSliceDice(), m.meanValDice(),
          m.seconds(), m.samplesPerSecond()));
      for (String o : organs) {
        Double d = m.valDice().get(o);
        sb.append(',').append(d == null ? "" : String.format(Locale.ROOT, "%.6f", d));
      }
      sb.append('\n');
    }
    AtomicFiles.write(dir.resolve("curves.csv"), true, o -> o.write(sb.toString().getBytes(StandardCharsets.UTF_8)));
  }
}
