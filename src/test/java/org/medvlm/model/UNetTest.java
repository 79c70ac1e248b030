package org.medvlm.model;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

class UNetTest {
  @Test
  void defaultSizeMatchesTheStudysParameterCount() {
    try (NDManager m = NDManager.newBaseManager()) {
      UNet net = new UNet(UNetConfig.standard(1, 14));
      net.initialize(m, DataType.FLOAT32, new Shape(1, 1, 224, 224));
      long trainable = net.getParameters().values().stream().filter(p -> p.requiresGradient()).mapToLong(p -> p.getArray().size()).sum();
      assertEquals(7_700_000, trainable, 0.01 * 7_700_000, "trainable parameters: " + trainable);
    }
  }

  @Test
  void outputHasOneLogitMapPerClassAtInputResolution() {
    try (NDManager m = NDManager.newBaseManager()) {
      UNet net = new UNet(new UNetConfig(3, 5, 4, 2));
      net.initialize(m, DataType.FLOAT32, new Shape(2, 3, 32, 32));
      NDArray y = net.forward(new ParameterStore(m, false), new NDList(m.randomNormal(new Shape(2, 3, 32, 48))), false).head();
      assertEquals(new Shape(2, 5, 32, 48), y.getShape());
      assertThrows(IllegalArgumentException.class, () -> new UNet(new UNetConfig(1, 2, 4, 3)).initialize(m, DataType.FLOAT32, new Shape(1, 1, 20, 20)));
    }
  }
}
