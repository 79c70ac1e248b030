package org.medvlm.io;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import net.imglib2.type.numeric.real.FloatType;
import org.junit.jupiter.api.Test;
import org.medvlm.volume.Volume;

/** Files written by nibabel read back with nibabel's affine and values (make_fixtures.py). */
class NiftiNibabelParityTest {
  private static final Path DIR = Paths.get("src/test/resources/nifti");

  @Test
  void matchesNibabel() throws Exception {
    JsonArray cases = JsonParser.parseString(Files.readString(DIR.resolve("expected.json"))).getAsJsonArray();
    assertEquals(9, cases.size());
    for (JsonElement el : cases) {
      JsonObject c = el.getAsJsonObject();
      String name = c.get("file").getAsString();
      Volume<FloatType> v = NiftiReader.readImage(DIR.resolve(name));
      JsonArray shape = c.getAsJsonArray("shape");
      for (int a = 0; a < 3; a++) assertEquals(shape.get(a).getAsInt(), v.dims()[a], name);
      JsonArray aff = c.getAsJsonArray("affine");
      double[][] ours = v.geometry().affine();
      for (int r = 0; r < 3; r++) {
        for (int k = 0; k < 4; k++) {
          double expected = aff.get(r).getAsJsonArray().get(k).getAsDouble();
          assertEquals(expected, ours[r][k], 1e-5, name + " affine[" + r + "][" + k + "]");
        }
      }
      float[] d = Volume.floats(v);
      double sum = 0, min = Double.MAX_VALUE, max = -Double.MAX_VALUE;
      for (float x : d) { sum += x; min = Math.min(min, x); max = Math.max(max, x); }
      double tol = Math.max(1e-3, Math.abs(c.get("sum").getAsDouble()) * 1e-6);
      assertEquals(c.get("sum").getAsDouble(), sum, tol, name + " sum");
      assertEquals(c.get("min").getAsDouble(), min, 1e-3, name + " min");
      assertEquals(c.get("max").getAsDouble(), max, 1e-3, name + " max");
      assertEquals(c.get("first").getAsDouble(), d[0], 1e-3, name + " first voxel");
      assertEquals(c.get("last").getAsDouble(), d[d.length - 1], 1e-3, name + " last voxel");
    }
  }
}
