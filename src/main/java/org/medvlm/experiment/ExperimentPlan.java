package org.medvlm.experiment;

import java.util.List;
import org.medvlm.data.Dataset;
import org.medvlm.train.TrainingRun;

/**
 * What an experiment trains: the models in order, one split, and the preprocessing and training
 * settings shared by all (each model keeps its own epochs, learning rate and width defaults
 * unless the plan overrides them).
 *
 * @param epochs per model kind; null entries use the study's (U-Net 50, Med-VLM 10)
 * @param trainEvalCases training volumes also evaluated for the "train Dice" column
 * @param augment the augmentation set of every model ({@code train --augment})
 * @param lrSchedule the learning-rate schedule of every model ({@code train --lr-schedule})
 */
public record ExperimentPlan(List<String> models, String split, int size, double spacing, Integer unetEpochs, Integer medvlmEpochs, Float unetLr,
    Float medvlmLr, int unetWidth, int batch, long seed, int trainEvalCases, String device, boolean trainEncoders, String augment, String lrSchedule) {


  /** The study's augmentation and schedule (as {@code medvlm train} without options). */
  public static final String STUDY_AUGMENT = new TrainingRun.Options().augment;
  public static final String STUDY_SCHEDULE = new TrainingRun.Options().lrSchedule;

  /** The training options of one model under this plan, on the data folders in order (the first is {@code --data}). */
  public TrainingRun.Options options(String model, List<Dataset.Source> data, java.nio.file.Path out) {
    boolean unet = model.equals("unet");
    TrainingRun.Options o = TrainingRun.Options.of(model, data, unet ? unetEpochs : medvlmEpochs, size, out, device);
    o.augment = augment;
    o.lrSchedule = lrSchedule;
    o.split = split;
    o.spacing = spacing;
    o.batch = batch;
    o.seed = seed;
    o.width = unetWidth;
    Float lr = unet ? unetLr : medvlmLr;
    if (lr != null) o.lr = lr;
    o.trainEncoders = !unet && trainEncoders;
    return o;
  }
}
