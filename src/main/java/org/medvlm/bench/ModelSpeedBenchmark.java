package org.medvlm.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.medvlm.data.Organ;
import org.medvlm.data.PromptLibrary;
import org.medvlm.device.Devices;
import org.medvlm.model.UNet;
import org.medvlm.model.UNetConfig;
import org.medvlm.model.vlm.BertConfig;
import org.medvlm.model.vlm.BertEncoder;
import org.medvlm.model.vlm.LoraConfig;
import org.medvlm.model.vlm.MedVlmConfig;
import org.medvlm.model.vlm.VitConfig;
import org.medvlm.model.vlm.VitEncoder;
import org.medvlm.preprocess.Augmenter;
import org.medvlm.train.AdamW;
import org.medvlm.train.MedVlmTask;
import org.medvlm.train.SegmentationTask;
import org.medvlm.train.TrainStep;
import org.medvlm.train.UNetTask;

/**
 * Speed of the networks themselves with random weights, beside the engine's matrix multiply:
 * forward passes of each encoder and the U-Net (images or sequences per second, achieved
 * GFLOP/s from {@link Flops}, and its ratio to the matmul rate measured in the same run), and
 * training steps of each model (slices per second).
 */
public final class ModelSpeedBenchmark {
  /** One measured network: items per second (median), GFLOP/s achieved, ratio to matmul. */
  public record Entry(String name, String unit, int batch, double itemsPerSecond, double gflops, double matmulRatio, String flopsNote) {}

  public record Result(double matmulGflops, String device, List<Entry> inference, List<Entry> training) {}

  private ModelSpeedBenchmark() {}

  public static Result run(int size, int batch, int repeats, int trainSteps, boolean large, boolean forward, boolean train, Device device, Consumer<String> progress)
      throws Exception {
    Devices.noGradientsOnThisThread();
    List<Entry> inference = new ArrayList<>();
    List<Entry> training = new ArrayList<>();
    double matmul;
    try (NDManager root = NDManager.newBaseManager(device)) {
      Engine.getInstance().setRandomSeed(1);
      matmul = InferenceBenchmark.matmulGflops(root);
      progress.accept(String.format(Locale.ROOT, "bench: engine matmul %.1f GFLOP/s", matmul));
      if (forward) {
        List<VitConfig> vits = new ArrayList<>(List.of(VitConfig.tiny(size)));
        if (large) vits.add(VitConfig.base(size));
        for (VitConfig c : vits) inference.add(vit(root, c, batch, repeats, matmul, progress));
        List<BertConfig> berts = new ArrayList<>(List.of(BertConfig.miniLmL6()));
        if (large) berts.add(BertConfig.bioBertBase());
        for (BertConfig c : berts) inference.add(bert(root, c, batch, 16, repeats, matmul, progress));
        inference.add(unet(root, UNetConfig.standard(1, Organ.MAX_ID + 1), size, batch, repeats, matmul, progress));
      }
    }
    if (train) {
      List<String> models = new ArrayList<>(List.of("unet", MedVlmConfig.SMALL));
      if (large) models.add(MedVlmConfig.LARGE);
      // Large pairs each slice with 13 prompts through 256-wide mixer and decoder: batch 2 keeps it within 24 GB
      for (String m : models) training.add(train(m, size, m.equals(MedVlmConfig.LARGE) ? Math.min(batch, 2) : batch, trainSteps, matmul, device, progress));
    }
    return new Result(matmul, device.toString(), inference, training);
  }

  private static Entry vit(NDManager root, VitConfig c, int batch, int repeats, double matmul, Consumer<String> progress) {
    VitEncoder vit = new VitEncoder(c, LoraConfig.none());
    try (NDManager m = root.newSubManager()) {
      vit.initialize(m, DataType.FLOAT32, new Shape(batch, 3, c.imageSize(), c.imageSize()));
      ParameterStore ps = new ParameterStore(m, false);
      NDArray x = m.randomUniform(-1, 1, new Shape(batch, 3, c.imageSize(), c.imageSize()));
      double s = time(repeats, () -> {
        try (NDManager step = m.newSubManager()) {
          NDArray in = x.duplicate();
          in.attach(step);
          vit.tokens(ps, in, false).getFloat(0, 0, 0);
        }
      });
      String name = "ViT " + (c.dim() == 768 ? "B/16" : c.dim() == 192 ? "Ti/16" : c.dim() + "") + " at " + c.imageSize();
      return entry(name, "images/s", batch, batch / s, Flops.vit(c), matmul, "forward, from layer shapes", progress);
    }
  }

  private static Entry bert(NDManager root, BertConfig c, int batch, int tokens, int repeats, double matmul, Consumer<String> progress) {
    BertEncoder bert = new BertEncoder(c, LoraConfig.none());
    try (NDManager m = root.newSubManager()) {
      bert.initialize(m, DataType.FLOAT32, new Shape(batch, tokens));
      ParameterStore ps = new ParameterStore(m, false);
      NDArray ids = m.randomInteger(5, c.vocabSize(), new Shape(batch, tokens), DataType.INT64);
      NDArray mask = m.ones(new Shape(batch, tokens), DataType.INT64);
      double s = time(repeats, () -> {
        try (NDManager step = m.newSubManager()) {
          NDArray i = ids.duplicate();
          i.attach(step);
          NDArray k = mask.duplicate();
          k.attach(step);
          bert.encode(ps, i, k, false).states().getFloat(0, 0, 0);
        }
      });
      String name = (c.hidden() == 768 ? "BioBERT-base" : c.hidden() == 384 ? "MiniLM-L6" : "BERT " + c.hidden()) + ", " + tokens + " tokens";
      return entry(name, "sequences/s", batch, batch / s, Flops.bert(c, tokens), matmul, "forward, from layer shapes", progress);
    }
  }

  private static Entry unet(NDManager root, UNetConfig c, int size, int batch, int repeats, double matmul, Consumer<String> progress) {
    UNet net = new UNet(c);
    try (NDManager m = root.newSubManager()) {
      net.initialize(m, DataType.FLOAT32, new Shape(batch, 1, size, size));
      ParameterStore ps = new ParameterStore(m, false);
      NDArray x = m.randomUniform(0, 1, new Shape(batch, 1, size, size));
      double s = time(repeats, () -> {
        try (NDManager step = m.newSubManager()) {
          NDArray in = x.duplicate();
          in.attach(step);
          net.forward(ps, new ai.djl.ndarray.NDList(in), false).head().getFloat(0, 0, 0, 0);
        }
      });
      return entry("U-Net (7.70 M) at " + size, "slices/s", batch, batch / s, Flops.unet(c, size), matmul, "forward, from layer shapes", progress);
    }
  }

  private static Entry train(String model, int size, int batch, int steps, double matmul, Device device, Consumer<String> progress) throws Exception {
    List<Organ> organs = Arrays.asList(Organ.values());
    SegmentationTask task = model.equals("unet") ? new UNetTask(UNetConfig.standard(1, organs.size() + 1), organs, size)
        : MedVlmTask.withPromptVocabulary(model, size, 1, organs, PromptLibrary.builtIn(), 64, 0.25f, false);
    List<Augmenter.Sample> batchSamples = new ArrayList<>();
    java.util.Random rnd = new java.util.Random(1);
    for (int i = 0; i < batch; i++) {
      float[] img = new float[size * size];
      int[] lab = new int[size * size];
      for (int p = 0; p < img.length; p++) {
        img[p] = rnd.nextFloat();
        lab[p] = (p / size) * 14 / size; // bands of every organ, so every organ is present
      }
      batchSamples.add(new Augmenter.Sample(img, lab, size, i));
    }
    float[] uniform = new float[Organ.MAX_ID + 1];
    Arrays.fill(uniform, 1f);
    task.weightOrgans(uniform);
    try (NDManager root = NDManager.newBaseManager(device)) {
      task.block().initialize(root, DataType.FLOAT32, task.inputShape(batch));
      task.prepareForTraining();
      var params = TrainStep.trainableParameters(task.block());
      AdamW opt = new AdamW(params, 1e-4f, 1e-4f, root).clipGradients(task.gradientClip());
      ParameterStore ps = new ParameterStore(root, false);
      TrainStep.run(task, root, ps, opt, batchSamples); // warm-up
      double[] t = new double[steps];
      for (int s = 0; s < steps; s++) {
        long t0 = System.nanoTime();
        TrainStep.run(task, root, ps, opt, batchSamples);
        t[s] = (System.nanoTime() - t0) / 1e9;
      }
      double sps = batch / IoBenchmark.median(t);
      double flops;
      String note;
      if (task instanceof MedVlmTask vlm) {
        MedVlmConfig c = vlm.model().block().config();
        // lower bound: the encoders' forward and the backward to their inputs (LoRA), one prompt per organ present
        flops = 2 * Flops.vit(c.vit()) + 2 * organs.size() * Flops.bert(c.bert(), 24) / batch;
        note = "lower bound: 2 x (ViT + BERT) forward; the mixer and decoder, run for 13 prompts per slice, are not counted";
      } else {
        flops = 3 * Flops.unet(UNetConfig.standard(1, organs.size() + 1), size);
        note = "3 x forward (forward and backward)";
      }
      return entry("train " + model + " at " + size, "slices/s", batch, sps, flops, matmul, note, progress);
    }
  }

  private static Entry entry(String name, String unit, int batch, double perSecond, double flopsPerItem, double matmul, String note, Consumer<String> progress) {
    double gflops = perSecond * flopsPerItem / 1e9;
    Entry e = new Entry(name, unit, batch, perSecond, gflops, gflops / matmul, note);
    progress.accept(String.format(Locale.ROOT, "bench: %-32s %8.2f %s, %7.1f GFLOP/s = %.2f x matmul", name, perSecond, unit, gflops, gflops / matmul));
    return e;
  }

  private static double time(int repeats, Runnable r) {
    r.run(); // warm-up
    double[] t = new double[repeats];
    for (int i = 0; i < repeats; i++) {
      long t0 = System.nanoTime();
      r.run();
      t[i] = (System.nanoTime() - t0) / 1e9;
    }
    return IoBenchmark.median(t);
  }

}
