package org.medvlm.model.vlm;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

/** The building blocks compute what their references define. */
class LayersTest {
  @Test
  void untrainedLoraChangesNothingAndTrainedLoraDoes() {
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(1);
      LoraLinear layer = LoraLinear.encoder(6, 5, new LoraConfig(2, 4, 0f, true, true));
      layer.initialize(m, DataType.FLOAT32, new Shape(1, 6));
      ParameterStore ps = new ParameterStore(m, false);
      NDArray x = m.randomNormal(new Shape(3, 4, 6));
      var p = layer.getParameters();
      NDArray plain = Linear.linear(x, p.get("weight").getArray(), p.get("bias").getArray()).head();
      assertTrue(layer.apply(ps, x, false).allClose(plain, 1e-6, 1e-6, false), "B = 0: the adapter adds nothing");
      p.get("lora_b").getArray().set(m.randomNormal(new Shape(5, 2)).toFloatArray());
      NDArray expected = plain.add(x.matMul(p.get("lora_a").getArray().transpose()).matMul(p.get("lora_b").getArray().transpose()).mul(4f / 2));
      NDArray actual = layer.apply(ps, x, false);
      assertTrue(actual.allClose(expected, 1e-5, 1e-5, false), "W x + (alpha / r) B A x");
      assertFalse(actual.allClose(plain, 1e-3, 1e-3, false));
    }
  }

  @Test
  void geluIsTheExactErfForm() {
    try (NDManager m = NDManager.newBaseManager()) {
      float[] xs = {-3f, -1.5f, -0.5f, 0f, 0.7f, 2f, 4f};
      NDArray x = m.create(xs);
      float[] y = Activation.gelu(x).toFloatArray();
      float[] erf = x.div(Math.sqrt(2)).erf().toFloatArray();
      for (int i = 0; i < xs.length; i++) assertEquals(0.5f * xs[i] * (1 + erf[i]), y[i], 1e-6f, "gelu(" + xs[i] + ")");
    }
  }

  @Test
  void transposedConvolutionMatchesItsDefinition() {
    try (NDManager m = NDManager.newBaseManager()) {
      TransposedConv2x2 t = new TransposedConv2x2(3, 2);
      t.initialize(m, DataType.FLOAT32, new Shape(1, 3, 2, 2));
      var p = t.getParameters();
      p.get("bias").getArray().set(new float[] {0.5f, -1f});
      NDArray x = m.randomNormal(new Shape(1, 3, 2, 3));
      float[] y = t.apply(new ParameterStore(m, false), x, false).toFloatArray();
      float[] xv = x.toFloatArray();
      float[] w = p.get("weight").getArray().toFloatArray(); // (in, out, 2, 2)
      float[] b = {0.5f, -1f};
      for (int o = 0; o < 2; o++) {
        for (int yy = 0; yy < 4; yy++) {
          for (int xx = 0; xx < 6; xx++) {
            double s = b[o];
            for (int c = 0; c < 3; c++) s += xv[(c * 2 + yy / 2) * 3 + xx / 2] * w[((c * 2 + o) * 2 + yy % 2) * 2 + xx % 2];
            assertEquals(s, y[(o * 4 + yy) * 6 + xx], 1e-5, "out[" + o + "," + yy + "," + xx + "]");
          }
        }
      }
    }
  }

  @Test
  void fusedLastStageEqualsTheMapThenTheWeightedSum() {
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(2);
      TransposedConv2x2 t = new TransposedConv2x2(5, 4);
      t.initialize(m, DataType.FLOAT32, new Shape(1, 5, 3, 3));
      t.getParameters().get("bias").getArray().set(new float[] {0.3f, -0.2f, 0.1f, 0.7f});
      ParameterStore ps = new ParameterStore(m, false);
      NDArray x = m.randomNormal(new Shape(3, 5, 3, 4));
      NDArray w = m.randomNormal(new Shape(3, 4));
      for (NDArray add : new NDArray[] {m.randomNormal(new Shape(3, 4, 6, 8)), m.randomNormal(new Shape(1, 4, 6, 8))}) {
        NDArray map = Activation.gelu(t.apply(ps, x, false).add(add)); // (3, 4, 6, 8)
        NDArray expected = w.reshape(3, 4, 1, 1).mul(map).sum(new int[] {1});
        NDArray actual = t.applyGeluDot(ps, x, add, w, false);
        assertEquals(new Shape(3, 6, 8), actual.getShape());
        assertTrue(actual.allClose(expected, 1e-5, 1e-5, false), "add of " + add.getShape() + ": " + actual.sub(expected).abs().max().getFloat());
      }
    }
  }

  @Test
  void paddingDoesNotChangeBertOutputs() {
    try (NDManager m = NDManager.newBaseManager()) {
      BertEncoder bert = new BertEncoder(new BertConfig(50, 16, 2, 2, 32, 32, 2), LoraConfig.none());
      bert.initialize(m, DataType.FLOAT32, new Shape(1, 4));
      ParameterStore ps = new ParameterStore(m, false);
      long[] ids = {2, 7, 9, 11, 3};
      var alone = bert.encode(ps, m.create(ids, new Shape(1, 5)), m.ones(new Shape(1, 5)), false);
      long[] padded = {2, 7, 9, 11, 3, 0, 0, 0, 2, 8, 8, 8, 8, 8, 8, 3};
      float[] mask = {1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1};
      var batch = bert.encode(ps, m.create(padded, new Shape(2, 8)), m.create(mask, new Shape(2, 8)), false);
      assertTrue(batch.states().get("0, 0:5, :").allClose(alone.states().get(0), 1e-5, 1e-5, false), "masked padding is invisible");
      assertTrue(batch.pooled().get(0).allClose(alone.pooled().get(0), 1e-5, 1e-5, false), "pooling ignores padding");
    }
  }

  @Test
  void vitReturnsOnePatchTokenPerPatch() {
    try (NDManager m = NDManager.newBaseManager()) {
      VitEncoder vit = new VitEncoder(new VitConfig(32, 16, 24, 1, 2, 2), new LoraConfig(2, 2, 0, true, false));
      vit.initialize(m, DataType.FLOAT32, new Shape(1, 1, 32, 32));
      NDArray tokens = vit.encode(new ParameterStore(m, false), m.randomUniform(0, 1, new Shape(3, 1, 32, 32)), false);
      assertEquals(new Shape(3, 4, 24), tokens.getShape());
      assertThrows(IllegalArgumentException.class, () -> vit.encode(new ParameterStore(m, false), m.zeros(new Shape(1, 2, 32, 32)), false));
    }
  }

  @Test
  void detailPathGivesOneMapPerStageAndUntrainedLeavesTheTokens() {
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(3);
      DetailPath path = new DetailPath(1, new int[] {4, 4, 6, 8}, 10);
      path.initialize(m, DataType.FLOAT32, new Shape(1, 1, 32, 32));
      ParameterStore ps = new ParameterStore(m, false);
      NDArray images = m.randomUniform(0, 1, new Shape(2, 1, 32, 32));
      DetailPath.Output inference = path.apply(ps, images, false);
      DetailPath.Output training = path.apply(ps, images, true);
      long[][] shapes = {{2, 4, 32, 32}, {2, 4, 16, 16}, {2, 6, 8, 8}, {2, 8, 4, 4}};
      for (int k = 0; k < shapes.length; k++) {
        assertArrayEquals(shapes[k], inference.maps().get(k).getShape().getShape(), "map " + k + ", finest first");
        NDArray a = inference.maps().get(k), t = training.maps().get(k);
        assertTrue(a.allClose(t, 1e-6, 1e-6, false), "per-level scopes change no value: map " + k + " differs by up to "
            + a.sub(t).abs().max().getFloat() + " (largest value " + t.abs().max().getFloat() + ")");
      }
      assertArrayEquals(new long[] {2, 4, 10}, inference.tokens().getShape().getShape(), "one token per 16 x 16 patch");
      assertEquals(0f, inference.tokens().abs().max().getFloat(), "zero-initialised projection: the patch tokens stay as they are");
    }
  }

  @Test
  void pairsPickTheirImageByProductExactlyAsByIndexAndTheGradientsAgree() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray maps = m.randomNormal(new Shape(3, 2, 5, 5));
      NDArray index = m.create(new long[] {0, 0, 2, 1, 2, 2});
      NDArray picked = MedVlm.perPair(maps, index.oneHot(3));
      assertArrayEquals(new long[] {6, 2, 5, 5}, picked.getShape().getShape());
      NDArray byIndex = maps.get(new ai.djl.ndarray.index.NDIndex("{}", index));
      assertEquals(0f, picked.sub(byIndex).abs().max().getFloat(), "a one-hot product copies the rows exactly");
      NDArray weights = m.randomNormal(new Shape(6, 2, 5, 5));
      float[][] grads = new float[2][];
      for (int k = 0; k < 2; k++) {
        NDArray x = maps.duplicate();
        x.setRequiresGradient(true);
        try (ai.djl.training.GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray rows = k == 0 ? MedVlm.perPair(x, index.oneHot(3)) : x.get(new ai.djl.ndarray.index.NDIndex("{}", index));
          gc.backward(rows.mul(weights).sum());
        }
        grads[k] = x.getGradient().toFloatArray();
      }
      assertArrayEquals(grads[1], grads[0], 1e-5f, "each image gets the sum of its pairs' gradients");
    }
  }
}
