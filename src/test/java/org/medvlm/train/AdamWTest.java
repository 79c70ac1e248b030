package org.medvlm.train;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.initializer.Initializer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Clipping scales the update; a non-finite gradient is discarded without touching the weights;
 * per-parameter learning-rate scales.
 */
class AdamWTest {
  private static void backward(NDArray w, float factor) {
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      gc.backward(w.mul(factor).sum());
    }
  }

  @Test
  void nonFiniteGradientsAreSkippedAndCleared() {
    try (NDManager m = NDManager.newBaseManager()) {
      Parameter p = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).optShape(new Shape(3)).optInitializer(Initializer.ONES).build();
      p.initialize(m, DataType.FLOAT32);
      p.getArray().setRequiresGradient(true);
      Parameter q = Parameter.builder().setName("q").setType(Parameter.Type.WEIGHT).optShape(new Shape(2)).optInitializer(Initializer.ONES).build();
      q.initialize(m, DataType.FLOAT32);
      q.getArray().setRequiresGradient(true);
      AdamW opt = new AdamW(List.of(q, p), 0.1f, 0f, m).clipGradients(1f);
      assertEquals(List.of(), opt.lastNonFiniteGradients());
      backward(p.getArray(), Float.NaN);
      backward(q.getArray(), 1f);
      assertFalse(opt.step(), "NaN gradient: no update");
      assertEquals(List.of(p), opt.lastNonFiniteGradients(), "names the parameter whose gradient broke, not the finite one");
      assertArrayEquals(new float[] {1, 1}, q.getArray().toFloatArray(), "the step is skipped for every parameter");
      assertArrayEquals(new float[] {1, 1, 1}, p.getArray().toFloatArray());
      assertEquals(1, opt.skippedSteps());
      assertArrayEquals(new float[] {0, 0, 0}, p.getArray().getGradient().toFloatArray(), "gradients cleared, not left NaN");
      backward(p.getArray(), 1000f);
      assertTrue(opt.step());
      float[] w = p.getArray().toFloatArray();
      assertEquals(0.9f, w[0], 1e-4f, "Adam's first step moves each weight by lr whatever the gradient's scale");
      assertEquals(0, opt.consecutiveSkips());
      assertEquals(1, opt.steps());
    }
  }

  @Test
  void scaledParametersStepFurther() {
    try (NDManager m = NDManager.newBaseManager()) {
      Parameter slow = Parameter.builder().setName("slow").setType(Parameter.Type.WEIGHT).optShape(new Shape(2)).optInitializer(Initializer.ONES).build();
      Parameter fast = Parameter.builder().setName("fast").setType(Parameter.Type.WEIGHT).optShape(new Shape(2)).optInitializer(Initializer.ONES).build();
      for (Parameter p : List.of(slow, fast)) {
        p.initialize(m, DataType.FLOAT32);
        p.getArray().setRequiresGradient(true);
      }
      AdamW opt = new AdamW(List.of(slow, fast), 0.01f, 0f, m).scaleLearningRates(p -> p == fast ? 10 : 1);
      backward(slow.getArray(), 1f);
      backward(fast.getArray(), 1f);
      assertTrue(opt.step());
      assertEquals(0.99f, slow.getArray().toFloatArray()[0], 1e-5f, "base rate");
      assertEquals(0.9f, fast.getArray().toFloatArray()[1], 1e-5f, "ten times the base rate");
    }
  }
}
