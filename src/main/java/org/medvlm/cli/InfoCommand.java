package org.medvlm.cli;

import com.google.gson.GsonBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import net.imglib2.type.numeric.real.FloatType;
import org.medvlm.BadInputException;
import org.medvlm.data.Dataset;
import org.medvlm.io.DicomSeriesReader;
import org.medvlm.io.NiftiReader;
import org.medvlm.io.VolumeIO;
import org.medvlm.volume.Geometry;
import org.medvlm.volume.Volume;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "info", mixinStandardHelpOptions = true,
    description = {"Show size, spacing, orientation, affine, value range and datatype of a volume.",
        "PATH is a .nii/.nii.gz file, a DICOM series folder, or a folder of NIfTI files (one entry each)."})
final class InfoCommand implements Callable<Integer> {
  @Parameters(paramLabel = "PATH", description = "NIfTI file, DICOM folder or folder of NIfTI files.")
  Path path;

  @Option(names = "--json", description = "Print JSON instead of text.")
  boolean json;

  @Option(names = "--accept-nonorthonormal", description = "Read NIfTI files whose direction matrix is sheared.")
  boolean acceptNonOrthonormal;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    List<Map<String, Object>> entries = new ArrayList<>();
    if (Files.isDirectory(path) && !DicomSeriesReader.isDicomFolder(path)) {
      var files = Dataset.byId(path);
      if (files.isEmpty()) throw new BadInputException(path, "folder holds no NIfTI files and no DICOM series");
      for (Path f : files.values()) entries.add(describe(f));
    } else {
      entries.add(describe(path));
    }
    var out = spec.commandLine().getOut();
    if (json) {
      out.println(new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(entries.size() == 1 ? entries.get(0) : entries));
    } else {
      for (int i = 0; i < entries.size(); i++) {
        if (i > 0) out.println();
        entries.get(i).forEach((k, v) -> out.printf(Locale.ROOT, "%-12s %s%n", k + ":", text(v)));
      }
    }
    return Main.OK;
  }

  private Map<String, Object> describe(Path p) throws Exception {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("path", p.toString());
    NiftiReader.Options options = new NiftiReader.Options(acceptNonOrthonormal);
    Volume<FloatType> v = VolumeIO.readImage(p, options);
    if (Files.isDirectory(p)) {
      m.put("format", "DICOM series");
      m.put("datatype", "HU after rescale");
    } else {
      NiftiReader.Info info = NiftiReader.info(p, options);
      m.put("format", "NIfTI-" + info.version() + ", " + (info.byteOrder().contains("LITTLE") ? "little" : "big") + " endian");
      m.put("datatype", info.datatype().name().toLowerCase(Locale.ROOT)
          + (info.sclSlope() != 0 && !(info.sclSlope() == 1 && info.sclInter() == 0) ? String.format(Locale.ROOT, " (scaled: x %.6g + %.6g)", info.sclSlope(), info.sclInter()) : ""));
    }
    Geometry g = v.geometry();
    m.put("size", v.dims());
    m.put("spacing_mm", round(g.spacing()));
    m.put("orientation", g.orientationCode());
    m.put("origin_mm", round(g.origin()));
    m.put("affine", round(g.affine()));
    float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
    for (float x : Volume.floats(v)) {
      if (x < min) min = x; // NaN compares false: the range is that of the finite voxels
      if (x > max) max = x;
    }
    m.put("value_range", new double[] {min, max});
    long nonFinite = Volume.nonFiniteCount(v);
    if (nonFinite > 0) m.put("non_finite", nonFinite + " voxels (NaN or infinite)");
    return m;
  }

  private static double[] round(double[] a) {
    double[] r = new double[a.length];
    for (int i = 0; i < a.length; i++) r[i] = Math.round(a[i] * 1e6) / 1e6;
    return r;
  }

  private static double[][] round(double[][] a) {
    double[][] r = new double[a.length][];
    for (int i = 0; i < a.length; i++) r[i] = round(a[i]);
    return r;
  }

  private static String text(Object v) {
    if (v instanceof int[] d) return d[0] + " x " + d[1] + " x " + d[2] + " voxels";
    if (v instanceof double[][] a) {
      StringBuilder sb = new StringBuilder();
      for (double[] row : a) sb.append(sb.length() == 0 ? "" : " ").append(fmt(row));
      return sb.toString();
    }
    if (v instanceof double[] a) return fmt(a);
    return String.valueOf(v);
  }

  private static String fmt(double[] a) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < a.length; i++) sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.6g", a[i]));
    return sb.append("]").toString();
  }
}
