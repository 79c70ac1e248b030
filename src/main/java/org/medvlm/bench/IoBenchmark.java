package org.medvlm.bench;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import net.imglib2.type.numeric.real.FloatType;
import org.medvlm.data.PhantomGenerator;
import org.medvlm.io.NiftiDatatype;
import org.medvlm.io.NiftiReader;
import org.medvlm.io.NiftiWriter;
import org.medvlm.preprocess.PreparedVolume;
import org.medvlm.preprocess.PreprocessConfig;
import org.medvlm.preprocess.Preprocessor;
import org.medvlm.volume.Volume;

/**
 * Reading and preprocessing a BTCV-sized int16 {@code .nii.gz} (512 x 512 x 150 by default): read
 * time, preprocessing time, peak heap. The reference in the same run is plain gunzip of the file,
 * the floor any reader of a compressed volume pays.
 */
public final class IoBenchmark {
  /** Results in seconds and bytes; medians over the repeats. */
  public record Result(int[] dims, long fileBytes, double gunzipSeconds, double readSeconds, double preprocessSeconds,
      double readOverGunzip, long peakHeapBytes, long peakRssBytes, int repeats, int preparedSlices) {}

  private IoBenchmark() {}

  public static Result run(Path workDir, int size, int slices, int repeats, Consumer<String> progress) throws IOException {
    Path file = workDir.resolve("bench-ct.nii.gz");
    if (!Files.exists(file)) {
      progress.accept("generating a " + size + " x " + size + " x " + slices + " int16 phantom ...");
      var p = PhantomGenerator.generate(7, 1, size, slices);
      NiftiWriter.write(p.image(), file, NiftiDatatype.INT16, false);
    }
    Preprocessor pre = new Preprocessor(PreprocessConfig.defaults());
    progress.accept("warm-up ...");
    gunzip(file);
    PreparedVolume warm = pre.prepare(NiftiReader.readImage(file));
    int prepared = warm.depth();
    warm = null;
    double[] gz = new double[repeats], read = new double[repeats], prep = new double[repeats];
    long peakHeap = 0;
    int[] dims = null;
    for (int r = 0; r < repeats; r++) {
      progress.accept("run " + (r + 1) + "/" + repeats);
      long t0 = System.nanoTime();
      gunzip(file);
      gz[r] = (System.nanoTime() - t0) / 1e9;
      System.gc();
      resetPeaks();
      t0 = System.nanoTime();
      Volume<FloatType> ct = NiftiReader.readImage(file);
      long t1 = System.nanoTime();
      PreparedVolume pv = pre.prepare(ct);
      long t2 = System.nanoTime();
      peakHeap = Math.max(peakHeap, heapPeak());
      read[r] = (t1 - t0) / 1e9;
      prep[r] = (t2 - t1) / 1e9;
      dims = ct.dims();
      if (pv.depth() != prepared) throw new IllegalStateException("preprocessing is not deterministic");
    }
    double g = median(gz), rd = median(read);
    return new Result(dims, Files.size(file), g, rd, median(prep), rd / g, peakHeap, peakRss(), repeats, prepared);
  }

  private static void gunzip(Path file) throws IOException {
    byte[] buf = new byte[1 << 16];
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16)) {
      while (in.read(buf) >= 0) {
        // discard: only the decompression cost is measured
      }
    }
  }

  private static void resetPeaks() {
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) if (p.getType() == MemoryType.HEAP) p.resetPeakUsage();
  }

  /** Sum of the heap pools' peaks: an upper bound of the heap in use at any one moment. */
  private static long heapPeak() {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) if (p.getType() == MemoryType.HEAP) sum += p.getPeakUsage().getUsed();
    return sum;
  }

  /** Peak resident set size of the process (Linux VmHWM), or -1 where unknown. */
  static long peakRss() {
    return procStatus("VmHWM:");
  }

  /** Current resident set size of the process (Linux VmRSS), or -1 where unknown. */
  static long currentRss() {
    return procStatus("VmRSS:");
  }

  /** Peak resident set size of another process (Linux VmHWM), or -1 where unknown or ended. */
  static long peakRss(long pid) {
    return procStatus(Path.of("/proc", Long.toString(pid), "status"), "VmHWM:");
  }

  private static long procStatus(String key) {
    return procStatus(Path.of("/proc/self/status"), key);
  }

  private static long procStatus(Path status, String key) {
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith(key)) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
