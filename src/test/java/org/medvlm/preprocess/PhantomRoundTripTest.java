package org.medvlm.preprocess;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import net.imglib2.type.numeric.integer.IntType;
import net.imglib2.type.numeric.real.FloatType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medvlm.data.Dataset;
import org.medvlm.data.PhantomGenerator;
import org.medvlm.io.NiftiReader;
import org.medvlm.io.NiftiWriter;
import org.medvlm.volume.Reorientation;
import org.medvlm.volume.Volume;

/** Round trips on phantoms stored in each orientation the generator uses (LPS, RAS, LAS, LPI). */
class PhantomRoundTripTest {
  @TempDir Path tmp;

  @Test
  void niftiReorientationAndPreprocessingRoundTrips() throws Exception {
    PhantomGenerator.writeDataset(tmp, 4, 21, 64, false, s -> {});
    Dataset d = Dataset.open(tmp, null);
    PreprocessConfig nativeSpacing = PreprocessConfig.defaults().withSpacing(new double[] {Double.NaN, Double.NaN, Double.NaN}).withSize(96);
    for (Dataset.Case c : d.cases()) {
      Dataset.Loaded l = d.load(c);
      // NIfTI write -> read is identical in values and affine
      Path copy = tmp.resolve("copy-" + c.id() + ".nii.gz");
      NiftiWriter.write(l.image(), copy, false);
      Volume<FloatType> back = NiftiReader.readImage(copy);
      assertArrayEquals(Volume.floats(l.image()), Volume.floats(back));
      assertEquals(l.image().geometry(), back.geometry());
      // reorientation there and back
      for (String code : new String[] {"RAS", "LPS", "PIR"}) {
        Reorientation r = Reorientation.to(code, l.labels().geometry(), l.labels().dims());
        Volume<IntType> there = r.apply(l.labels());
        assertArrayEquals(Volume.ints(l.labels()), Volume.ints(r.inverse().apply(there)), c.id() + " via " + code);
      }
      // preprocessing and its inverse at native spacing give the labels back exactly
      PreparedVolume p = new Preprocessor(nativeSpacing).prepare(l.image(), l.labels());
      Volume<IntType> labelsBack = p.mapping().labelsToOriginal(p.labels());
      assertEquals(l.labels().geometry(), labelsBack.geometry());
      assertArrayEquals(Volume.ints(l.labels()), Volume.ints(labelsBack), "case " + c.id() + " stored " + l.image().geometry().orientationCode());
    }
  }
}
