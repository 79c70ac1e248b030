package org.medvlm.train;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.medvlm.data.Organ;
import org.medvlm.data.PhantomGenerator;
import org.medvlm.data.PromptLibrary;
import org.medvlm.model.UNetConfig;
import org.medvlm.model.vlm.MedVlmConfig;
import org.medvlm.preprocess.Augmenter;
import org.medvlm.preprocess.PreparedVolume;
import org.medvlm.preprocess.PreprocessConfig;
import org.medvlm.preprocess.Preprocessor;
import org.medvlm.text.PromptVocabulary;
import org.medvlm.text.TextTokenizer;

/**
 * Data-parallel training ({@link Replicas}) gives what one device gives for the same global
 * batch. PyTorch has one CPU device, so the replicas here are several copies on the CPU: the
 * same code path as several GPUs, with real separate parameter copies, shards, gathering,
 * gradient reduction and broadcast.
 */
class DataParallelTest {
  static final List<Organ> ORGANS = List.of(Organ.SPLEEN, Organ.LIVER, Organ.LEFT_KIDNEY);
  static PreparedVolume volume;

  @BeforeAll
  static void phantom() throws Exception {
    var p = PhantomGenerator.generate(4, 1, 96, 60);
    volume = new Preprocessor(PreprocessConfig.defaults().withSpacing(new double[] {3, 3, Double.NaN}).withSize(64)).prepare(p.image(), p.labels());
  }

  static List<Augmenter.Sample> batch(int step, int size) {
    List<Augmenter.Sample> b = new ArrayList<>();
    for (int k = 0; k < size; k++) {
      int z = (step * 7 + k * 5) % volume.depth();
      b.add(new Augmenter.Sample(volume.input(z), volume.labelSlice(z), 64, step * 1000L + k));
    }
    return b;
  }

  /** Trains {@code steps} steps on the given replicas from the given weights; returns losses and the trainable weights. */
  record Run(List<Double> losses, List<float[]> weights, double runningMeans) {}

  static Run train(SegmentationTask task, byte[] init, int replicas, int steps, int batchSize) throws Exception {
    try (NDManager root = NDManager.newBaseManager(Device.cpu())) {
      task.block().initialize(root, DataType.FLOAT32, task.inputShape(batchSize));
      task.block().loadParameters(root, new DataInputStream(new ByteArrayInputStream(init)));
      task.prepareForTraining();
      List<Parameter> params = TrainStep.trainableParameters(task.block());
      AdamW opt = new AdamW(params, 1e-3f, 1e-4f, root).clipGradients(task.gradientClip());
      List<Double> losses = new ArrayList<>();
      try (Replicas r = Replicas.of(task.block(), root, Collections.nCopies(replicas, Device.cpu()))) {
        for (int s = 0; s < steps; s++) losses.add(TrainStep.run(task, root, r, opt, batch(s, batchSize)));
        for (int i = 1; i < r.size(); i++) {
          for (Parameter p : task.block().getParameters().values()) {
            NDArray copy = r.store(i).getValue(p, r.device(i), true);
            assertNotSame(p.getArray(), copy, "replica " + i + " has its own copy of " + p.getName());
            assertArrayEquals(p.getArray().toFloatArray(), copy.toFloatArray(), p.getName() + " on replica " + i + " after the broadcast");
            if (p.requiresGradient()) assertEquals(0f, copy.getGradient().abs().max().getFloat(), "replica gradients are zeroed once reduced");
          }
        }
      }
      List<float[]> weights = new ArrayList<>();
      double runningMeans = 0;
      for (Parameter p : task.block().getParameters().values()) {
        if (p.requiresGradient()) weights.add(p.getArray().toFloatArray());
        if (p.getType() == Parameter.Type.RUNNING_MEAN) runningMeans += p.getArray().abs().sum().getFloat();
      }
      return new Run(losses, weights, runningMeans);
    }
  }

  static byte[] initialWeights(SegmentationTask task, int batchSize) throws Exception {
    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
      Engine.getInstance().setRandomSeed(11);
      task.block().initialize(m, DataType.FLOAT32, task.inputShape(batchSize));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      task.block().saveParameters(new DataOutputStream(out));
      return out.toByteArray();
    }
  }

  static MedVlmTask tinyMedVlm(TextTokenizer tok) {
    MedVlmConfig cfg = MedVlmConfig.named(MedVlmConfig.TINY, 64, tok.vocabularySize(), 1);
    return new MedVlmTask(cfg, ORGANS, tok, PromptLibrary.builtIn(), 0.5f, false);
  }

  /** The gradient of the first step once reduced onto the optimised parameters, flattened. */
  static double[] firstGradient(SegmentationTask task, byte[] init, int replicas, int batchSize) throws Exception {
    try (NDManager root = NDManager.newBaseManager(Device.cpu())) {
      task.block().initialize(root, DataType.FLOAT32, task.inputShape(batchSize));
      task.block().loadParameters(root, new DataInputStream(new ByteArrayInputStream(init)));
      task.prepareForTraining();
      List<Parameter> params = TrainStep.trainableParameters(task.block());
      try (Replicas r = Replicas.of(task.block(), root, Collections.nCopies(replicas, Device.cpu()));
          NDManager step = root.newSubManager()) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          gc.backward(task.loss(step, r, batch(0, batchSize), true));
        }
        r.reduceGradients();
        List<Double> g = new ArrayList<>();
        for (Parameter p : params) for (float v : p.getArray().getGradient().toFloatArray()) g.add((double) v);
        return g.stream().mapToDouble(Double::doubleValue).toArray();
      }
    }
  }

  /** ||a - b|| / ||a||. */
  static double relativeDifference(double[] a, double[] b) {
    double d = 0, n = 0;
    for (int i = 0; i < a.length; i++) {
      d += (a[i] - b[i]) * (a[i] - b[i]);
      n += a[i] * a[i];
    }
    return Math.sqrt(d / n);
  }

  static double maxAbsoluteDifference(List<float[]> a, List<float[]> b) {
    double worst = 0;
    for (int i = 0; i < a.size(); i++) for (int k = 0; k < a.get(i).length; k++) worst = Math.max(worst, Math.abs(a.get(i)[k] - b.get(i)[k]));
    return worst;
  }

  @ParameterizedTest(name = "{0} replicas")
  @ValueSource(ints = {2, 3})
  void medVlmOnSeveralReplicasMatchesOneDeviceForTheSameGlobalBatch(int replicas) throws Exception {
    try (TextTokenizer tok = TextTokenizer.fromVocabulary(PromptVocabulary.build(PromptLibrary.builtIn(), true), true, 64)) {
      byte[] init = initialWeights(tinyMedVlm(tok), 4);
      double gradient = relativeDifference(firstGradient(tinyMedVlm(tok), init, 1, 4), firstGradient(tinyMedVlm(tok), init, replicas, 4));
      Run one = train(tinyMedVlm(tok), init, 1, 4, 4);
      Run many = train(tinyMedVlm(tok), init, replicas, 4, 4); // 3 replicas: shards of 2, 1 and 1
      System.out.printf("Med-VLM tiny, %d replicas vs one device: gradient relative difference %.2e; losses %s vs %s; weights after 4 AdamW steps"
          + " (lr 1e-3) differ by at most %.2e%n", replicas, gradient, one.losses(), many.losses(), maxAbsoluteDifference(one.weights(), many.weights()));
      assertTrue(gradient < 1e-5, "the reduced gradient differs from one device's by " + gradient + " (relative L2)");
      for (int s = 0; s < one.losses().size(); s++) {
        assertEquals(one.losses().get(s), many.losses().get(s), 1e-5 * Math.abs(one.losses().get(s)), "loss of step " + s);
      }
      assertTrue(one.losses().get(3) < one.losses().get(0), "the runs learn: " + one.losses());
    }
  }

  @Test
  void uNetReplicasShareWeightsAndRunningStatistics() throws Exception {
    // batch norm sees per-shard statistics, so the U-Net is not expected to match one device
    // exactly; the replicas must still hold the same weights and statistics after every step
    UNetTask task = new UNetTask(new UNetConfig(1, ORGANS.size() + 1, 8, 2), ORGANS, 64);
    byte[] init = initialWeights(new UNetTask(new UNetConfig(1, ORGANS.size() + 1, 8, 2), ORGANS, 64), 4);
    Run many = train(task, init, 2, 3, 4);
    for (double l : many.losses()) assertTrue(Double.isFinite(l), "finite losses " + many.losses());
    assertTrue(many.runningMeans() > 0, "running means were updated");
  }

  @Test
  void aBatchSmallerThanTheDevicesIsRefused() throws Exception {
    try (NDManager root = NDManager.newBaseManager(Device.cpu())) {
      Replicas r = Replicas.single(new ParameterStore(root, false), Device.cpu());
      assertArrayEquals(new int[] {0, 5}, r.bounds(5));
    }
    UNetTask task = new UNetTask(new UNetConfig(1, ORGANS.size() + 1, 8, 2), ORGANS, 64);
    try (NDManager root = NDManager.newBaseManager(Device.cpu())) {
      task.block().initialize(root, DataType.FLOAT32, task.inputShape(2));
      try (Replicas r = Replicas.of(task.block(), root, List.of(Device.cpu(), Device.cpu(), Device.cpu()))) {
        assertArrayEquals(new int[] {0, 3, 5, 7}, r.bounds(7));
        var e = assertThrows(IllegalArgumentException.class, () -> r.bounds(2));
        assertTrue(e.getMessage().contains("cannot be split over 3 devices"), e.getMessage());
      }
    }
  }
}
