package org.medvlm.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import net.imglib2.type.numeric.integer.IntType;
import net.imglib2.type.numeric.real.FloatType;
import org.medvlm.BadInputException;
import org.medvlm.io.NiftiDatatype;
import org.medvlm.io.NiftiReader;
import org.medvlm.io.NiftiWriter;
import org.medvlm.io.VolumeIO;
import org.medvlm.volume.Grid;
import org.medvlm.volume.Orientation;
import org.medvlm.volume.Reorientation;
import org.medvlm.volume.Resampler;
import org.medvlm.volume.Volume;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "convert", mixinStandardHelpOptions = true,
    description = {"Convert a NIfTI file or DICOM series folder to NIfTI, optionally reoriented and resampled.",
        "Reorientation is exact (no interpolation). Resampling is linear for images, nearest for --label."})
final class ConvertCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "IN", description = "NIfTI file or DICOM series folder.")
  Path input;

  @Parameters(index = "1", paramLabel = "OUT", description = "Output .nii or .nii.gz.")
  Path output;

  @Option(names = "--orient", paramLabel = "CODE", description = "Target orientation code, e.g. RAS or LPS.")
  String orient;

  @Option(names = "--spacing", paramLabel = "X,Y,Z", split = ",", description = "Target spacing in mm; 0 keeps an axis.")
  double[] spacing;

  @Option(names = "--label", description = "Treat the input as a label map (nearest neighbour, integer output).")
  boolean label;

  @Option(names = "--datatype", paramLabel = "TYPE", description = "Output datatype (uint8, int16, uint16, int32, float32, ...); default: smallest exact.")
  String datatype;

  @Option(names = "--overwrite", description = "Replace OUT if it exists.")
  boolean overwrite;

  @Option(names = "--accept-nonorthonormal", description = "Read NIfTI files whose direction matrix is sheared.")
  boolean acceptNonOrthonormal;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    int[] target = orient == null ? null : parseOrientation();
    if (spacing != null && spacing.length != 3) throw new BadInputException("--spacing", "needs 3 values x,y,z");
    NiftiDatatype dt = datatype == null ? null : parseDatatype();
    org.medvlm.io.RunOutputs.check(output, overwrite, List.of(input), ".nii.gz", ".nii");
    Volume<?> result;
    if (label) {
      Volume<IntType> v = VolumeIO.readLabels(input);
      if (target != null) v = Reorientation.to(orient, v.geometry(), v.dims()).apply(v);
      if (spacing != null) v = Resampler.nearest(v, Grid.of(v).withSpacing(spacing), 0);
      result = v;
    } else {
      Volume<FloatType> v = VolumeIO.readImage(input, new NiftiReader.Options(acceptNonOrthonormal));
      if (target != null) v = Reorientation.to(orient, v.geometry(), v.dims()).apply(v);
      if (spacing != null) v = Resampler.linear(v, Grid.of(v).withSpacing(spacing), -1024f);
      if (dt != null && dt.integer) v = roundInto(v, dt);
      result = v;
    }
    if (dt == null) NiftiWriter.write(result, output, overwrite);
    else NiftiWriter.write(result, output, dt, overwrite);
    int[] d = result.dims();
    spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s: %d x %d x %d, %s%n", output, d[0], d[1], d[2], result.geometry().orientationCode());
    return Main.OK;
  }

  private int[] parseOrientation() throws BadInputException {
    try {
      orient = orient.toUpperCase(Locale.ROOT);
      return Orientation.parse(orient);
    } catch (IllegalArgumentException e) {
      throw new BadInputException("--orient", e.getMessage() + " (use three letters from R/L, A/P, S/I, e.g. RAS)");
    }
  }

  private NiftiDatatype parseDatatype() throws BadInputException {
    try {
      return NiftiDatatype.parse(datatype);
    } catch (IllegalArgumentException e) {
      throw new BadInputException("--datatype", "unknown datatype '" + datatype + "' (uint8, int8, int16, uint16, int32, uint32, float32, float64)");
    }
  }

  /** Interpolated intensities rounded and clamped to an integer type the user asked for. */
  private static Volume<FloatType> roundInto(Volume<FloatType> v, NiftiDatatype dt) {
    float[] src = Volume.floats(v);
    float[] out = new float[src.length];
    for (int i = 0; i < src.length; i++) out[i] = (float) Math.max(dt.min, Math.min(dt.max, Math.rint(src[i])));
    return Volume.ofFloats(out, v.dims(), v.geometry());
  }
}
