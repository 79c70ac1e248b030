package org.medvlm.io;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import net.imglib2.type.numeric.integer.IntType;
import net.imglib2.type.numeric.real.FloatType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medvlm.TestData;
import org.medvlm.volume.Geometry;
import org.medvlm.volume.Volume;

class NiftiRoundTripTest {
  @TempDir Path tmp;

  @Test
  void readsRealSmallCtWithSformGeometry() throws Exception {
    Volume<FloatType> ct = NiftiReader.readImage(TestData.ctSmall());
    assertArrayEquals(new int[] {122, 101, 30}, ct.dims());
    double[] s = ct.geometry().spacing();
    for (double v : s) assertEquals(3.0, v, 1e-5);
    float[] d = Volume.floats(ct);
    float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
    for (float v : d) { min = Math.min(min, v); max = Math.max(max, v); }
    assertTrue(min >= -1100 && min <= -900, "air near -1000 HU, got " + min);
    assertTrue(max > 300, "bone above 300 HU, got " + max);
  }

  @Test
  void realFilesRoundTripExactly() throws Exception {
    for (Path src : new Path[] {TestData.ctSmall(), TestData.ctLong()}) {
      Volume<FloatType> a = NiftiReader.readImage(src);
      Path out = tmp.resolve(src.getFileName());
      NiftiWriter.write(a, out, false);
      Volume<FloatType> b = NiftiReader.readImage(out);
      assertArrayEquals(a.dims(), b.dims());
      assertEquals(a.geometry(), b.geometry(), "affine must survive exactly");
      assertArrayEquals(Volume.floats(a), Volume.floats(b));
    }
    Volume<IntType> seg = NiftiReader.readLabels(TestData.seg());
    Path out = tmp.resolve("seg.nii");
    NiftiWriter.write(seg, out, false);
    assertEquals(NiftiDatatype.UINT8, NiftiReader.info(out).datatype());
    Volume<IntType> back = NiftiReader.readLabels(out);
    assertArrayEquals(Volume.ints(seg), Volume.ints(back));
    assertEquals(seg.geometry(), back.geometry());
  }

  @Test
  void nifti2AndObliqueGeometryRoundTrip() throws Exception {
    double c = Math.cos(0.3), s = Math.sin(0.3);
    Geometry g = Geometry.of(new double[] {0.7, 0.8, 2.5}, new double[] {-10.25, 33.5, -400},
        new double[][] {{c, -s, 0}, {s, c, 0}, {0, 0, -1}});
    float[] data = new float[40000 * 2 * 1];
    for (int i = 0; i < data.length; i++) data[i] = (float) Math.sin(i) * 1000;
    Volume<FloatType> v = Volume.ofFloats(data, new int[] {40000, 2, 1}, g);
    Path out = tmp.resolve("wide.nii.gz");
    NiftiWriter.write(v, out, false);
    NiftiReader.Info info = NiftiReader.info(out);
    assertEquals(2, info.version(), "a size above 32767 needs NIfTI-2");
    Volume<FloatType> back = NiftiReader.readImage(out);
    assertEquals(g, back.geometry(), "NIfTI-2 stores the affine as float64");
    assertArrayEquals(data, Volume.floats(back));
  }

  @Test
  void refusesToOverwriteAndLeavesNoTemporaryFiles() throws Exception {
    Volume<FloatType> a = NiftiReader.readImage(TestData.ctSmall());
    Path out = tmp.resolve("x.nii.gz");
    NiftiWriter.write(a, out, false);
    var e = assertThrows(org.medvlm.BadInputException.class, () -> NiftiWriter.write(a, out, false));
    assertTrue(e.getMessage().contains("already exists"), e.getMessage());
    NiftiWriter.write(a, out, true);
    try (var files = java.nio.file.Files.list(tmp)) {
      assertEquals(1, files.count(), "only the output, no temporary file");
    }
  }
}
