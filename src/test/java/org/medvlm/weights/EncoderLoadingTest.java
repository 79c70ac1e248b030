package org.medvlm.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medvlm.BadInputException;
import org.medvlm.data.Organ;
import org.medvlm.data.PromptLibrary;
import org.medvlm.io.NpyFile;
import org.medvlm.preprocess.Augmenter;
import org.medvlm.model.vlm.MedVlm;
import org.medvlm.model.vlm.VitEncoder;
import org.medvlm.train.AdamW;
import org.medvlm.train.MedVlmTask;
import org.medvlm.train.TrainStep;

/** Strict and lenient loading, the variant check, and LoRA on top of loaded encoders. */
class EncoderLoadingTest {
  private static final Path VIT = EncoderParityTest.DIR.resolve("vit");
  @TempDir Path tmp;

  private Path altered(java.util.function.Consumer<Map<String, SafetensorsFixture.Tensor>> change) throws Exception {
    Map<String, SafetensorsFixture.Tensor> t = SafetensorsFixture.read(VIT.resolve("model.safetensors"));
    change.accept(t);
    Path dir = Files.createDirectories(tmp.resolve("altered" + System.nanoTime()));
    SafetensorsFixture.write(dir.resolve("model.safetensors"), t);
    Files.copy(VIT.resolve("config.json"), dir.resolve("config.json"));
    return dir;
  }

  @Test
  void strictLoadNamesEveryProblemAndLenientListsThem() throws Exception {
    Path dir = altered(t -> {
      t.remove("blocks.1.mlp.fc2.bias");
      t.put("blocks.0.attn.q_norm.weight", new SafetensorsFixture.Tensor(new long[] {16}, new float[16]));
      t.put("norm.weight", new SafetensorsFixture.Tensor(new long[] {47}, new float[47]));
    });
    try (NDManager m = NDManager.newBaseManager()) {
      BadInputException e = assertThrows(BadInputException.class, () -> PretrainedEncoders.vit(dir, 0, m, false));
      assertTrue(e.getMessage().startsWith(dir.resolve("model.safetensors") + ": 3 problems"), e.getMessage());
      assertTrue(e.getMessage().contains("missing key blocks.1.mlp.fc2.bias (model shape [48])"), e.getMessage());
      assertTrue(e.getMessage().contains("key norm.weight: checkpoint shape [47], model shape [48]"), e.getMessage());
      assertTrue(e.getMessage().contains("unexpected key blocks.0.attn.q_norm.weight (shape [16])"), e.getMessage());
      var loaded = PretrainedEncoders.vit(dir, 0, m, true);
      assertEquals(3, loaded.report().skipped().size());
      assertTrue(loaded.report().summary().contains("SKIPPED (--lenient)"));
    }
  }

  @Test
  void wrongEncoderForTheVariantIsAClearError() throws Exception {
    List<Organ> organs = List.of(Organ.SPLEEN, Organ.LIVER);
    PromptLibrary prompts = PromptLibrary.builtIn();
    BadInputException vit = assertThrows(BadInputException.class, () -> MedVlmTask.withPretrained("medvlm-small", 64, 1, organs, prompts, 32, 0.2f, false,
        new MedVlmTask.Pretrained(VIT, null, false)));
    assertTrue(vit.getMessage().contains("is a ViT of width 48, depth 2 and 3 heads; medvlm-small needs width 192, depth 12 and 3 heads (timm vit_tiny_patch16_224)"), vit.getMessage());
    BadInputException bert = assertThrows(BadInputException.class, () -> MedVlmTask.withPretrained("medvlm-large", 64, 1, organs, prompts, 32, 0.2f, false,
        new MedVlmTask.Pretrained(null, EncoderParityTest.DIR.resolve("minilm"), false)));
    assertTrue(bert.getMessage().contains("medvlm-large needs width 768, 12 layers and 12 heads (BioBERT base cased v1.1)"), bert.getMessage());
    BadInputException swapped = assertThrows(BadInputException.class, () -> MedVlmTask.withPretrained("medvlm-tiny", 64, 1, organs, prompts, 32, 0.2f, false,
        new MedVlmTask.Pretrained(EncoderParityTest.DIR.resolve("minilm"), null, false)));
    assertTrue(swapped.getMessage().contains("given as {image-weights}"), swapped.getMessage());
  }

  @Test
  void untrainedLoraChangesNothingAndOneStepMovesOnlyAdapters() throws Exception {
    List<Organ> organs = List.of(Organ.SPLEEN, Organ.LIVER);
    MedVlmTask task = MedVlmTask.withPretrained("medvlm-tiny", 64, 1, organs, PromptLibrary.builtIn(), 32, 0.2f, false,
        new MedVlmTask.Pretrained(VIT, EncoderParityTest.DIR.resolve("minilm"), false));
    try (NDManager m = NDManager.newBaseManager()) {
      MedVlm model = task.model().block();
      model.initialize(m, DataType.FLOAT32, task.inputShape(2));
      List<String> log = task.loadPretrained();
      assertEquals(2, log.size());
      task.prepareForTraining();
      // B = 0: the adapted ViT gives exactly the frozen ViT's tokens
      NpyFile.Array in = NpyFile.read(VIT.resolve("input.npy"));
      ParameterStore ps = new ParameterStore(m, false);
      float[] adapted = model.imageEncoder().tokens(ps, m.create(in.data(), new Shape(in.shape())), false).toFloatArray();
      float[] frozen;
      try (NDManager m2 = NDManager.newBaseManager()) {
        frozen = PretrainedEncoders.vit(VIT, 0, m2, false).encoder().tokens(new ParameterStore(m2, false), m2.create(in.data(), new Shape(in.shape())), false).toFloatArray();
      }
      assertArrayEquals(frozen, adapted);
      // one optimiser step on a real loss: the frozen encoder weights stay, adapters move
      Map<String, float[]> before = snapshot(model);
      List<Parameter> trainable = TrainStep.trainableParameters(model);
      assertTrue(trainable.stream().noneMatch(p -> isEncoderBase(model, p)), "frozen weights are not given to the optimiser");
      AdamW opt = new AdamW(trainable, 1e-2f, 0f, m);
      List<Augmenter.Sample> batch = new java.util.ArrayList<>();
      for (int i = 0; i < 2; i++) {
        float[] image = new float[64 * 64];
        int[] labels = new int[64 * 64];
        for (int p = 0; p < image.length; p++) {
          int x = p % 64;
          int y = p / 64;
          labels[p] = x > 8 && x < 24 && y > 20 + i ? Organ.LIVER.id() : x > 40 && y < 30 ? Organ.SPLEEN.id() : 0;
          image[p] = labels[p] == 0 ? 0.2f : 0.5f + 0.1f * labels[p] / 6;
        }
        batch.add(new Augmenter.Sample(image, labels, 64, i));
      }
      double loss = TrainStep.run(task, m, new ParameterStore(m, false), opt, batch);
      assertTrue(Double.isFinite(loss) && loss > 0);
      Map<String, float[]> after = snapshot(model);
      int adaptersMoved = 0;
      for (var e : before.entrySet()) {
        boolean changed = !java.util.Arrays.equals(e.getValue(), after.get(e.getKey()));
        boolean encoder = e.getKey().startsWith("image_encoder.") || e.getKey().startsWith("text_encoder.");
        if (encoder && e.getKey().contains("lora_")) adaptersMoved += changed ? 1 : 0;
        else if (encoder) assertFalse(changed, e.getKey() + " is frozen but changed");
      }
      assertTrue(adaptersMoved > 0, "LoRA adapters were updated");
    }
  }

  private static boolean isEncoderBase(MedVlm model, Parameter p) {
    for (var e : NamedParameters.of(model).entrySet()) {
      if (e.getValue() == p) return (e.getKey().startsWith("image_encoder.") || e.getKey().startsWith("text_encoder.")) && !e.getKey().contains("lora_");
    }
    return false;
  }

  private static Map<String, float[]> snapshot(MedVlm model) {
    Map<String, float[]> s = new HashMap<>();
    for (var e : NamedParameters.of(model).entrySet()) s.put(e.getKey(), e.getValue().getArray().toFloatArray());
    return s;
  }

  @Test
  void withoutConfigTheShapesTellTheArchitecture() throws Exception {
    // a ViT of width 128 (two 64-wide heads), depth 1, MLP 3x, 8-px patches, 3x3 grid: no config.json beside it
    Map<String, SafetensorsFixture.Tensor> t = new java.util.LinkedHashMap<>();
    java.util.function.BiConsumer<String, long[]> add = (k, shape) -> t.put(k, new SafetensorsFixture.Tensor(shape,
        new float[(int) java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b)]));
    add.accept("patch_embed.proj.weight", new long[] {128, 3, 8, 8});
    add.accept("pos_embed", new long[] {1, 10, 128});
    add.accept("blocks.0.norm1.weight", new long[] {128});
    add.accept("blocks.0.mlp.fc1.weight", new long[] {384, 128});
    Path dir = Files.createDirectories(tmp.resolve("noconfig"));
    SafetensorsFixture.write(dir.resolve("model.safetensors"), t);
    try (EncoderCheckpoint ck = EncoderCheckpoint.open(dir)) {
      assertEquals(new org.medvlm.model.vlm.VitConfig(24, 8, 128, 1, 2, 3), ((VitCheckpoint) ck).architecture());
      assertTrue(ck.describe().contains("2 heads (assumed 64-wide)"), ck.describe());
      assertTrue(ck.problems(ck.newEncoder()).contains("missing key cls_token (model shape [1, 1, 128])"));
    }
    // the test BERT is 32 wide: its heads cannot be told without config.json
    Path bert = Files.createDirectories(tmp.resolve("bert"));
    Files.copy(EncoderParityTest.DIR.resolve("minilm/model.safetensors"), bert.resolve("model.safetensors"));
    BadInputException e = assertThrows(BadInputException.class, () -> EncoderCheckpoint.open(bert));
    assertTrue(e.getMessage().contains("cannot tell the number of attention heads of width 32: put its config.json beside it"), e.getMessage());
  }

  @Test
  void positionEmbeddingsFollowTheInputSize() throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      VitEncoder at32 = PretrainedEncoders.vit(VIT, 32, m, false).encoder();
      assertEquals(32, at32.config().imageSize());
      assertArrayEquals(new long[] {1, 5, 48}, NamedParameters.of(at32).get("pos_embed").getArray().getShape().getShape());
    }
    try (NDManager m = NDManager.newBaseManager()) {
      BadInputException e = assertThrows(BadInputException.class, () -> PretrainedEncoders.vit(VIT, 40, m, false));
      assertTrue(e.getMessage().contains("not a multiple of the patch size 16"), e.getMessage());
    }
  }
}
