package org.medvlm.train;

import org.medvlm.infer.Prediction;
import org.medvlm.infer.SliceProgress;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.medvlm.data.Organ;
import org.medvlm.data.PhantomGenerator;
import org.medvlm.data.PromptLibrary;
import org.medvlm.model.vlm.MedVlmConfig;
import org.medvlm.preprocess.Augmenter;
import org.medvlm.preprocess.PreparedVolume;
import org.medvlm.preprocess.PreprocessConfig;
import org.medvlm.preprocess.Preprocessor;
import org.medvlm.text.PromptVocabulary;
import org.medvlm.text.TextTokenizer;

/**
 * The tiny Med-VLM learns a few phantom slices with frozen random encoders and LoRA, and its
 * output follows the prompt: the spleen prompt gives the spleen and not the liver, and vice versa.
 */
class MedVlmTaskTest {
  static final List<Organ> ORGANS = List.of(Organ.SPLEEN, Organ.LIVER);
  static PreparedVolume volume;
  static List<Integer> slices = new ArrayList<>();
  /** Slices showing neither organ: the presence score learns to say "not here" from them. */
  static List<Integer> empty = new ArrayList<>();

  @BeforeAll
  static void phantom() throws Exception {
    var p = PhantomGenerator.generate(4, 1, 96, 60);
    PreprocessConfig pre = PreprocessConfig.defaults().withSpacing(new double[] {3, 3, Double.NaN}).withSize(64);
    volume = new Preprocessor(pre).prepare(p.image(), p.labels());
    for (int z = 0; z < volume.depth() && slices.size() < 4; z += 3) {
      int[] l = volume.labelSlice(z);
      long spleen = java.util.Arrays.stream(l).filter(v -> v == Organ.SPLEEN.id()).count();
      long liver = java.util.Arrays.stream(l).filter(v -> v == Organ.LIVER.id()).count();
      if (spleen > 40 && liver > 40) slices.add(z);
    }
    for (int z = 0; z < volume.depth() && empty.size() < 2; z += 5) {
      int zz = z;
      if (java.util.Arrays.stream(volume.labelSlice(zz)).noneMatch(v -> v == Organ.SPLEEN.id() || v == Organ.LIVER.id())) empty.add(zz);
    }
    assertEquals(2, empty.size(), "phantom slices showing neither organ");
    assertEquals(4, slices.size(), "phantom slices showing spleen and liver");
  }

  static double dice(float[] prob, int offset, int[] labels, int id) {
    long inter = 0, a = 0, b = 0;
    for (int i = 0; i < labels.length; i++) {
      boolean p = prob[offset + i] > 0.5f;
      boolean r = labels[i] == id;
      if (p) a++;
      if (r) b++;
      if (p && r) inter++;
    }
    return a + b == 0 ? 1 : 2.0 * inter / (a + b);
  }

  @Test
  void tinyModelOverfitsSlicesAndFollowsThePrompt() throws Exception {
    PromptLibrary lib = PromptLibrary.builtIn();
    try (TextTokenizer tok = TextTokenizer.fromVocabulary(PromptVocabulary.build(lib, true), true, 64);
        NDManager root = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(3);
      MedVlmConfig cfg = MedVlmConfig.named(MedVlmConfig.TINY, 64, tok.vocabularySize(), 1);
      MedVlmTask task = new MedVlmTask(cfg, ORGANS, tok, lib, 0.5f, false);
      task.block().initialize(root, DataType.FLOAT32, task.inputShape(6));
      task.prepareForTraining();
      var params = TrainStep.trainableParameters(task.block());
      var count = org.medvlm.model.vlm.ParameterCount.of(task.block());
      assertTrue(count.frozen() > 0 && count.trainable() > 0);
      assertEquals(count.trainable(), params.stream().mapToLong(p -> p.getArray().size()).sum(), "only unfrozen parameters are optimised");
      AdamW opt = new AdamW(params, 1e-3f, 0, root).clipGradients(task.gradientClip());
      ParameterStore ps = new ParameterStore(root, false);
      long t0 = System.nanoTime();
      double first = 0, last = 0;
      for (int step = 0; step < 400; step++) {
        List<Augmenter.Sample> batch = new ArrayList<>(); // a new seed per step, as the trainer gives: other phrasings
        for (int z : slices) batch.add(new Augmenter.Sample(volume.input(z), volume.labelSlice(z), 64, step * 1000L + z));
        for (int z : empty) batch.add(new Augmenter.Sample(volume.input(z), volume.labelSlice(z), 64, step * 1000L + z));
        last = TrainStep.run(task, root, ps, opt, batch);
        if (step == 0) first = last;
      }
      for (var p : task.block().getParameters().values()) {
        if (!p.requiresGradient()) assertFalse(p.getArray().hasGradient(), p.getName() + " is frozen: no gradient is computed for it");
      }
      System.out.printf("tiny Med-VLM: loss %.3f -> %.3f in %.1f s%n", first, last, (System.nanoTime() - t0) / 1e9);
      for (Organ o : ORGANS) {
        for (String phrasing : lib.prompts(o)) assertEquals(o.id(), task.organNamedBy(root, ps, phrasing), "the prompt head names the organ of: " + phrasing);
      }
      float[][] probs = task.model().probabilities(root, ps, volume, List.of(task.model().promptFor(Organ.SPLEEN), task.model().promptFor(Organ.LIVER)), 8, SliceProgress.NONE);
      // inference upsamples only the pairs the presence score keeps; validation decodes every pair: same labels
      int[] gated = org.medvlm.volume.Volume.ints(task.model().predict(root, ps, volume, 8, ORGANS, SliceProgress.NONE));
      Prediction everyPair = task.validate(root, ps, volume, 8);
      assertArrayEquals(org.medvlm.volume.Volume.ints(everyPair.labels()), gated, "presence-gated decoding changes no label");
      int slicesWithout = 0;
      for (int z = 0; z < volume.depth(); z++) {
        boolean any = false;
        for (int i = 0; i < 64 * 64 && !any; i++) any = probs[0][z * 64 * 64 + i] > 0;
        if (!any) slicesWithout++;
      }
      assertTrue(slicesWithout > 0 && slicesWithout < volume.depth(), "the spleen is skipped on some slices and decoded on others: " + slicesWithout);
      for (int z : empty) {
        for (int k = 0; k < 2; k++) {
          int zz = z, kk = k;
          assertTrue(java.util.stream.IntStream.range(0, 64 * 64).allMatch(i -> probs[kk][zz * 64 * 64 + i] == 0), "slice " + z + " shows neither organ: presence says not here");
        }
      }
      int s2 = 64 * 64;
      for (int z : slices) {
        int[] l = volume.labelSlice(z);
        double spleen = dice(probs[0], z * s2, l, Organ.SPLEEN.id());
        double liver = dice(probs[1], z * s2, l, Organ.LIVER.id());
        double spleenPromptOnLiver = dice(probs[0], z * s2, l, Organ.LIVER.id());
        double liverPromptOnSpleen = dice(probs[1], z * s2, l, Organ.SPLEEN.id());
        System.out.printf("slice %d: spleen %.3f liver %.3f cross %.3f %.3f%n", z, spleen, liver, spleenPromptOnLiver, liverPromptOnSpleen);
        assertTrue(spleen > 0.95, "spleen prompt, slice " + z + ": Dice " + spleen);
        assertTrue(liver > 0.95, "liver prompt, slice " + z + ": Dice " + liver);
        assertTrue(spleenPromptOnLiver <= 0.05, "spleen prompt must not give the liver: " + spleenPromptOnLiver);
        assertTrue(liverPromptOnSpleen <= 0.05, "liver prompt must not give the spleen: " + liverPromptOnSpleen);
      }
    }
  }

  /** The values of every parameter whose name contains one of {@code parts}, by name. */
  private static java.util.Map<String, float[]> valuesOf(MedVlmTask task, String... parts) {
    java.util.Map<String, float[]> v = new java.util.TreeMap<>();
    task.block().getParameters().forEach(pair -> {
      for (String part : parts) if (pair.getKey().contains(part)) v.put(pair.getKey(), pair.getValue().getArray().toFloatArray());
    });
    return v;
  }

  @Test
  void aFrozenTextEncoderAndAnUnweightedPromptHeadStayAsTheyStarted() throws Exception {
    PromptLibrary lib = PromptLibrary.builtIn();
    try (TextTokenizer tok = TextTokenizer.fromVocabulary(PromptVocabulary.build(lib, true), true, 64);
        NDManager root = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(3);
      MedVlmTask task = new MedVlmTask(MedVlmConfig.named(MedVlmConfig.TINY, 64, tok.vocabularySize(), 1), ORGANS, tok, lib, 0.5f, false);
      assertThrows(IllegalArgumentException.class, () -> task.weighPromptLoss(-1));
      assertThrows(IllegalArgumentException.class, () -> task.weighPromptLoss(Float.NaN));
      task.freezeTextEncoder(true);
      task.weighPromptLoss(0);
      task.block().initialize(root, DataType.FLOAT32, task.inputShape(6));
      task.prepareForTraining();
      var before = valuesOf(task, "text_encoder", "prompt_organ");
      var decoderBefore = valuesOf(task, "decoder");
      assertTrue(before.keySet().stream().anyMatch(k -> k.contains("lora_")), "the text encoder has adapters: " + before.keySet());
      AdamW opt = new AdamW(TrainStep.trainableParameters(task.block()), 1e-3f, 0, root).clipGradients(task.gradientClip());
      ParameterStore ps = new ParameterStore(root, false);
      for (int step = 0; step < 3; step++) {
        List<Augmenter.Sample> batch = new ArrayList<>();
        for (int z : slices) batch.add(new Augmenter.Sample(volume.input(z), volume.labelSlice(z), 64, step * 1000L + z));
        TrainStep.run(task, root, ps, opt, batch);
      }
      var after = valuesOf(task, "text_encoder", "prompt_organ");
      for (String k : before.keySet()) assertArrayEquals(before.get(k), after.get(k), k + " stays as it started");
      var decoderAfter = valuesOf(task, "decoder");
      assertTrue(decoderBefore.keySet().stream().anyMatch(k -> !java.util.Arrays.equals(decoderBefore.get(k), decoderAfter.get(k))), "the decoder learns");
      assertTrue(task.describe().get("freeze_text_encoder").getAsBoolean());
      assertEquals(0f, task.describe().get("prompt_loss_weight").getAsFloat());
    }
  }
}
