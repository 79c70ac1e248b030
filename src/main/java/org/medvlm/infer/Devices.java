package org.medvlm.infer;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.medvlm.BadInputException;

/** Parses {@code cpu}, {@code gpu} or {@code auto} (the GPU when there is one). */
public final class Devices {
  private Devices() {}

  public static Device parse(String name) throws BadInputException {
    String n = name == null ? "auto" : name.trim().toLowerCase(java.util.Locale.ROOT);
    int gpus = Engine.getInstance().getGpuCount();
    return switch (n) {
      case "cpu" -> Device.cpu();
      case "gpu" -> {
        if (gpus == 0) throw new BadInputException("--device", "gpu requested but PyTorch sees no GPU (build with -Pcuda and check the NVIDIA driver)");
        yield Device.gpu();
      }
      case "auto" -> gpus > 0 ? Device.gpu() : Device.cpu();
      default -> throw new BadInputException("--device", "unknown device '" + name + "' (cpu, gpu or auto)");
    };
  }

  /**
   * PyTorch records gradients per thread and starts every thread with recording on; DJL turns it
   * off only on the thread that loaded the engine. Work on any other thread (Fiji commands,
   * worker pools) calls this first, or in-place parameter updates fail ("a leaf Variable that
   * requires grad is being used in an in-place operation") and inference records graphs.
   */
  public static void noGradientsOnThisThread() {
    if ("PyTorch".equals(ai.djl.engine.Engine.getInstance().getEngineName())) ai.djl.pytorch.jni.JniUtils.setGradMode(false);
  }
}
