package org.medvlm.fiji;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.medvlm.BadInputException;
import org.medvlm.data.Dataset;
import org.medvlm.train.EpochMetrics;
import org.medvlm.train.Trainer;
import org.medvlm.train.TrainingListener;
import org.medvlm.train.TrainingRun;

/**
 * What "Train Med-VLM" and "2D U-Net Baseline" (train) do, for the SciJava command and the
 * ImageJ 1.x plugin: {@link TrainingRun} with the study's defaults, progress to a status line
 * and the log, cancellable between steps (the last finished epoch's checkpoint is kept).
 */
public final class TrainAction {
  /** Progress sinks of the host: status text with a fraction done, log lines, and a cancel flag. */
  public interface Host {
    void status(String text, double fractionDone);

    void log(String line);

    boolean cancelled();
  }

  public static final String[] VARIANTS = {"Small", "Large"};

  private TrainAction() {}

  /** "Small" -> medvlm-small, "Large" -> medvlm-large; model names pass through. */
  public static String modelName(String variant) throws BadInputException {
    String v = variant == null ? "" : variant.trim().toLowerCase(Locale.ROOT);
    return switch (v) {
      case "small", "medvlm-small" -> "medvlm-small";
      case "large", "medvlm-large" -> "medvlm-large";
      case "tiny", "medvlm-tiny" -> "medvlm-tiny";
      case "unet", "u-net" -> "unet";
      default -> throw new BadInputException("variant", "unknown variant '" + variant + "' (Small or Large)");
    };
  }

  /** The options every training dialog sets (model, data, epochs, size, output, resume, device); the rest keep TrainingRun's defaults. */
  public static TrainingRun.Options options(String model, Path data, Path labelMap, int epochs, int size, Path out, boolean resume, String device) {
    TrainingRun.Options o = TrainingRun.Options.of(model, List.of(new Dataset.Source(data, labelMap)), epochs, size, out, device.toLowerCase(Locale.ROOT));
    o.resume = resume;
    return o;
  }

  /**
   * The "more data" field of the training dialogs: further dataset folders trained with the first,
   * separated by {@code ;}, each optionally {@code FOLDER=LABELMAP.tsv} (blank: none).
   */
  public static void moreData(TrainingRun.Options o, String value) throws BadInputException {
    if (value == null || value.isBlank()) return;
    for (String part : value.split(";")) {
      if (part.isBlank()) continue;
      int eq = part.lastIndexOf('=');
      Path dir = Path.of((eq < 0 ? part : part.substring(0, eq)).trim());
      Path map = eq < 0 || part.substring(eq + 1).isBlank() ? null : Path.of(part.substring(eq + 1).trim());
      o.moreData.add(new org.medvlm.data.Dataset.Source(dir, map));
    }
  }

  /** The text-encoder field of the dialogs: empty (the variant's default), random, builtin:NAME or a folder. */
  public static void textWeights(TrainingRun.Options o, String value) {
    o.textWeightsSpec = value == null || value.isBlank() ? null : value;
  }

  /** The line a finished run logs. */
  public static String summary(String name, Trainer.Result r, Path out) {
    return String.format(Locale.ROOT, "%s: best epoch %d, mean validation Dice %.4f; model in %s", name, r.bestEpoch(), r.bestMeanDice(), out);
  }

  /** Trains; returns the run's result, with the curves in {@code out/curves.png}. */
  public static Trainer.Result run(TrainingRun.Options o, Host host) throws IOException {
    if (o.data == null) throw new BadInputException("dataset", "no dataset folder given");
    if (o.out == null) throw new BadInputException("output", "no output folder given");
    TrainingListener listener = new TrainingListener() {
      @Override
      public void step(int epoch, int epochs, int step, int steps, double loss, double sps, double eta) {
        host.status(String.format(Locale.ROOT, "Med-VLM training: epoch %d/%d, step %d/%d, loss %.4f, %.1f slices/s, %.0f s left", epoch, epochs, step, steps,
            loss, sps, eta), ((epoch - 1) + (double) step / steps) / epochs);
      }

      @Override
      public void epoch(EpochMetrics m, boolean best) {
        host.log(String.format(Locale.ROOT, "Med-VLM training: epoch %d: train loss %.4f, validation Dice %.3f (3D, mean of %d organs), train Dice %.3f, %.0f s%s",
            m.epoch(), m.trainLoss(), m.meanValDice(), m.valDice().size(), m.meanTrainDice(), m.seconds(), best ? " (best so far)" : ""));
      }

      @Override
      public void message(String text) {
        host.log("Med-VLM training: " + MacroKeys.in(text));
      }

      @Override
      public boolean cancelled() {
        return host.cancelled() || Thread.currentThread().isInterrupted();
      }
    };
    PrintWriter warnings = new PrintWriter(lineWriter(host::log), true);
    return TrainingRun.run(o, listener, warnings);
  }

  private static Writer lineWriter(Consumer<String> sink) {
    return new StringWriter() {
      @Override
      public void flush() {
        StringBuffer b = getBuffer();
        int nl;
        while ((nl = b.indexOf("\n")) >= 0) {
          sink.accept("Med-VLM training: " + b.substring(0, nl));
          b.delete(0, nl + 1);
        }
      }
    };
  }


  static Path curves(Path out) {
    return out.resolve("curves.png");
  }
}
