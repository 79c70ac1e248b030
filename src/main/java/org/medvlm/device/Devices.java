package org.medvlm.device;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.medvlm.BadInputException;

/**
 * Device selection: {@code --device cpu|gpu|auto} (auto: the first GPU when PyTorch sees one) and
 * {@code --devices} for data-parallel training, and a one-line description for the log so a run
 * always says where it computes.
 */
public final class Devices {
  private Devices() {}

  public static Device parse(String name) throws BadInputException {
    String n = name == null ? "auto" : name.trim().toLowerCase(Locale.ROOT);
    int gpus = gpuCount();
    return switch (n) {
      case "cpu" -> Device.cpu();
      case "gpu" -> {
        if (gpus == 0) throw new BadInputException("{device}", "gpu requested but PyTorch sees no GPU (" + whyNoGpu() + ")");
        yield Device.gpu();
      }
      case "auto" -> gpus > 0 ? Device.gpu() : Device.cpu();
      default -> {
        if (n.matches("(gpu)?\\d+")) yield gpu(Integer.parseInt(n.replace("gpu", "")), gpus, "{device}");
        throw new BadInputException("{device}", "unknown device '" + name + "' (cpu, gpu, a GPU index such as 1, or auto)");
      }
    };
  }

  /**
   * The devices of {@code --devices}: GPU indices ({@code 0,1,2,3}), each at most once, or
   * {@code cpu} repeated ({@code cpu,cpu}: several replicas on the CPU, slower than one, for
   * checking the data-parallel path on a machine without GPUs); null or blank: {@code fallback}.
   */
  public static List<Device> parseList(String list, String fallback) throws BadInputException {
    if (list == null || list.isBlank()) return List.of(parse(fallback));
    int gpus = gpuCount();
    List<Device> out = new ArrayList<>();
    for (String part : list.split(",")) {
      String n = part.trim().toLowerCase(Locale.ROOT);
      Device d;
      if (n.equals("cpu")) d = Device.cpu();
      else if (n.matches("(gpu)?\\d+")) d = gpu(Integer.parseInt(n.replace("gpu", "")), gpus, "{devices}");
      else throw new BadInputException("{devices}", "'" + part.trim() + "' is neither a GPU index nor cpu (example: {devices} 0,1)");
      if (d.isGpu() && out.contains(d)) throw new BadInputException("{devices}", "GPU " + d.getDeviceId() + " listed twice");
      out.add(d);
    }
    boolean anyCpu = out.stream().anyMatch(d -> !d.isGpu());
    boolean anyGpu = out.stream().anyMatch(Device::isGpu);
    if (anyCpu && anyGpu) throw new BadInputException("{devices}", "mixes cpu and GPUs; list GPUs only (the CPU would hold every step back)");
    return List.copyOf(out);
  }

  private static Device gpu(int index, int gpus, String option) throws BadInputException {
    if (gpus == 0) throw new BadInputException(option, "GPU " + index + " requested but PyTorch sees no GPU (" + whyNoGpu() + ")");
    if (index >= gpus) throw new BadInputException(option, "GPU " + index + " requested but PyTorch sees " + gpus + " (0 to " + (gpus - 1) + ")");
    return Device.gpu(index);
  }

  private static int gpuCount() {
    return Engine.getInstance().getGpuCount();
  }

  /** Why PyTorch may see no GPU: the build or the machine. */
  private static String whyNoGpu() {
    return cudaBuild()
        ? "this is the CUDA build: check the NVIDIA driver (nvidia-smi, >= 525.60.13), a CUDA 12 runtime libcudart.so.12 on LD_LIBRARY_PATH"
            + " (e.g. module load cuda/12.4), through which GPUs are detected, and CUDA_VISIBLE_DEVICES"
        : "this is the CPU build: build the GPU distribution with mvn -Pcuda package";
  }

  /** Whether the first PyTorch natives on the class path are a CUDA build. */
  private static boolean cudaBuild() {
    return nativeFlavor().startsWith("cu");
  }

  /** The {@code flavor} of the bundled PyTorch natives ({@code cpu}, {@code cu124}), "" when none is bundled. */
  private static String nativeFlavor() {
    try (var in = Devices.class.getClassLoader().getResourceAsStream("native/lib/pytorch.properties")) {
      if (in == null) return "";
      java.util.Properties p = new java.util.Properties();
      p.load(in);
      return p.getProperty("flavor", "");
    } catch (java.io.IOException e) {
      return "";
    }
  }

  /**
   * One line for the log: {@code cpu (PyTorch 2.5.1, 2 threads; no GPU: ...)} or
   * {@code gpu(0) of 2 (PyTorch 2.5.1, CUDA compute capability 9.0, 79 GiB)}.
   */
  public static String describe(List<Device> devices) {
    Engine e = Engine.getInstance();
    StringBuilder b = new StringBuilder();
    for (Device d : devices) {
      if (b.length() > 0) b.append(", ");
      b.append(d);
    }
    int gpus = gpuCount();
    b.append(" (").append(e.getEngineName()).append(' ').append(e.getVersion());
    Device first = devices.get(0);
    if (first.isGpu()) {
      b.append(", ").append(gpus).append(gpus == 1 ? " GPU" : " GPUs").append(" visible");
      try {
        b.append(", compute capability ").append(ai.djl.util.cuda.CudaUtils.getComputeCapability(first.getDeviceId()));
        b.append(", ").append(ai.djl.util.cuda.CudaUtils.getGpuMemory(first).getMax() >> 20).append(" MiB");
      } catch (RuntimeException | LinkageError ex) {
        // details are a courtesy; the device itself works
      }
    } else {
      b.append(", ").append(Runtime.getRuntime().availableProcessors()).append(" cores");
      b.append(gpus == 0 ? "; no GPU: " + whyNoGpu() : "; " + gpus + " GPU(s) visible but not used");
    }
    return b.append(')').toString();
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
