/*
 * Does PyTorch's oneDNN train correctly on this CPU? Runs 300 training steps of the project's
 * U-Net (width 4, depth 2) on one fixed random batch, with no optimiser update, and counts the
 * steps whose loss or gradients are not finite (exactly 0 on a sound CPU, every run).
 *
 *   mvn -q package -DskipTests
 *   DNNL_MAX_CPU_ISA=AVX2 java -cp 'target/medvlm.jar:target/lib/*' tools/OneDnnCheck.java
 *
 * On an AMD EPYC (Zen 5, December 2026): unset and AVX2 gave non-finite steps, AVX none
 * (docs/core.md, "CPU kernels").
 */
import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.medvlm.model.UNet;
import org.medvlm.model.UNetConfig;

public class OneDnnCheck {
  public static void main(String[] args) {
    int steps = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    Engine.getInstance().setRandomSeed(3);
    try (NDManager root = NDManager.newBaseManager(Device.cpu())) {
      UNet net = new UNet(new UNetConfig(1, 3, 4, 2));
      Shape in = new Shape(4, 1, 32, 32);
      net.initialize(root, DataType.FLOAT32, in);
      for (var p : net.getParameters().values()) if (p.requiresGradient()) p.getArray().setRequiresGradient(true);
      NDArray x = root.randomUniform(0, 1, in);
      ParameterStore ps = new ParameterStore(root, false);
      int bad = 0, first = -1;
      for (int s = 0; s < steps; s++) {
        boolean finite = true;
        try (NDManager step = root.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray xi = x.duplicate();
          xi.attach(step);
          NDArray loss = net.forward(ps, new NDList(xi), true).head().square().mean();
          gc.backward(loss);
          finite = Float.isFinite(loss.getFloat());
        }
        for (var p : net.getParameters().values()) {
          if (!p.requiresGradient()) continue;
          try (NDArray g = p.getArray().getGradient()) {
            if (g.isNaN().logicalOr(g.isInfinite()).any().getBoolean()) finite = false;
            g.set(new ai.djl.ndarray.index.NDIndex("..."), 0f);
          }
        }
        if (!finite) {
          bad++;
          if (first < 0) first = s;
        }
      }
      String isa = System.getenv("DNNL_MAX_CPU_ISA");
      System.out.printf("DNNL_MAX_CPU_ISA=%s: %d of %d steps not finite%s%n", isa == null ? "(unset)" : isa, bad, steps, first < 0 ? "" : " (first at step " + first + ")");
      System.exit(bad == 0 ? 0 : 1);
    }
  }
}
