package org.medvlm.train;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medvlm.data.Dataset;
import org.medvlm.data.Organ;
import org.medvlm.data.PhantomGenerator;
import org.medvlm.data.Split;
import org.medvlm.model.UNetConfig;
import org.medvlm.preprocess.AugmentConfig;
import org.medvlm.preprocess.PreprocessConfig;

class TrainerTest {
  @TempDir Path tmp;

  static TrainConfig tiny(int epochs, List<Organ> organs) {
    PreprocessConfig pre = PreprocessConfig.defaults().withSpacing(new double[] {3, 3, Double.NaN}).withSize(64);
    return new TrainConfig(epochs, 4, 2e-3f, 1e-4f, 7, organs, pre, AugmentConfig.none(), 1, 1f, LearningRateSchedule.CONSTANT);
  }

  @Test
  void tinyUNetOverfitsOnePhantomVolume() throws Exception {
    PhantomGenerator.writeDataset(tmp.resolve("data"), 1, 4, 96, false, s -> {});
    Dataset d = Dataset.open(tmp.resolve("data"), null);
    Split same = new Split(d.cases(), d.cases());
    List<Organ> organs = List.of(Organ.SPLEEN, Organ.LIVER, Organ.LEFT_KIDNEY, Organ.RIGHT_KIDNEY, Organ.STOMACH, Organ.AORTA);
    TrainConfig cfg = tiny(100, organs);
    UNetTask task = new UNetTask(new UNetConfig(1, organs.size() + 1, 16, 3), organs, 64);
    long t0 = System.nanoTime();
    Trainer.Result r = new Trainer(task, cfg, tmp.resolve("run"), Device.cpu(), new TrainingListener() {
      public void step(int e, int es, int s, int ss, double loss, double sps, double eta) {}
      public void epoch(EpochMetrics m, boolean best) {}
      public void message(String t) {}
    }).run(d, same, false);
    System.out.printf("tiny U-Net, 100 epochs on one phantom volume: %.1f s%n", (System.nanoTime() - t0) / 1e9); // speed is the benchmarks' business
    double bestSlice = r.history().stream().mapToDouble(EpochMetrics::valSliceDice).max().orElse(0);
    assertTrue(bestSlice > 0.95, "slice Dice on the training slices: " + bestSlice);
    assertTrue(r.bestMeanDice() > 0.85, "3D Dice on the original grid: " + r.bestMeanDice());
    assertTrue(java.nio.file.Files.exists(tmp.resolve("run/best.ckpt")));
    var curves = java.nio.file.Files.readAllLines(tmp.resolve("run/curves.csv"));
    assertEquals(101, curves.size());
    assertTrue(curves.get(0).startsWith("epoch,train_loss,val_loss,val_slice_dice,val_mean_dice,train_mean_dice,"), curves.get(0));
    // training and validation are the same volume here: the training Dice curve must equal the validation one
    for (EpochMetrics m : r.history()) assertEquals(m.meanValDice(), m.meanTrainDice(), 1e-12, "epoch " + m.epoch());
  }

  @Test
  void skippedStepsNameTheParametersByTheirFullNames() {
    try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
      ai.djl.nn.SequentialBlock block = new ai.djl.nn.SequentialBlock();
      for (int i = 0; i < 4; i++) block.add(ai.djl.nn.core.Linear.builder().setUnits(2).build());
      block.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new ai.djl.ndarray.types.Shape(1, 2));
      var all = block.getParameters();
      assertEquals("", Trainer.parameterNames(block, List.of()));
      assertEquals(all.get(2).getKey(), Trainer.parameterNames(block, List.of(all.get(2).getValue())));
      String many = Trainer.parameterNames(block, all.values());
      assertTrue(many.startsWith(all.get(0).getKey() + ", " + all.get(1).getKey()), many);
      assertTrue(many.endsWith(" and 2 more"), many);
    }
  }
}
