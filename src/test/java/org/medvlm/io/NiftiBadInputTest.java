package org.medvlm.io;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;
import net.imglib2.type.numeric.real.FloatType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medvlm.BadInputException;
import org.medvlm.volume.Geometry;
import org.medvlm.volume.Volume;

/** Each malformed file gives one clear message naming the file and the problem. */
class NiftiBadInputTest {
  @TempDir Path tmp;

  /** A valid little-endian NIfTI-1 file of a 4 x 3 x 2 int16 volume, as bytes. */
  static byte[] validNifti() throws Exception {
    short[] values = new short[24];
    for (int i = 0; i < 24; i++) values[i] = (short) (i * 10 - 100);
    return NiftiFixtures.nifti1(new int[] {4, 3, 2}, values, ByteOrder.LITTLE_ENDIAN);
  }

  private Path write(String name, byte[] bytes) throws Exception {
    Path p = tmp.resolve(name);
    Files.write(p, bytes);
    return p;
  }

  private Path mutated(Consumer<ByteBuffer> change) throws Exception {
    byte[] b = validNifti();
    change.accept(ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN));
    return write("bad.nii", b);
  }

  private void assertRejected(Path file, String expected) {
    BadInputException e = assertThrows(BadInputException.class, () -> NiftiReader.readImage(file));
    assertTrue(e.getMessage().startsWith(file.toString() + ": "), "names the file: " + e.getMessage());
    assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line");
  }

  @Test
  void validFixtureReads() throws Exception {
    Volume<FloatType> v = NiftiReader.readImage(write("ok.nii", validNifti()));
    assertEquals(-100f, Volume.floats(v)[0]);
    assertEquals(130f, Volume.floats(v)[23]);
  }

  @Test
  void bigEndianReadsTheSame() throws Exception {
    short[] values = new short[24];
    for (int i = 0; i < 24; i++) values[i] = (short) (i * 10 - 100);
    Path be = write("be.nii", NiftiFixtures.nifti1(new int[] {4, 3, 2}, values, ByteOrder.BIG_ENDIAN));
    Path le = write("le.nii", validNifti());
    assertArrayEquals(Volume.floats(NiftiReader.readImage(le)), Volume.floats(NiftiReader.readImage(be)));
    assertEquals(NiftiReader.readImage(le).geometry(), NiftiReader.readImage(be).geometry());
  }

  @Test
  void truncatedFiles() throws Exception {
    byte[] b = validNifti();
    assertRejected(write("t1.nii", java.util.Arrays.copyOf(b, 200)), "truncated");
    assertRejected(write("t2.nii", java.util.Arrays.copyOf(b, b.length - 5)), "truncated");
    byte[] gz = gzip(b);
    assertRejected(write("t3.nii.gz", java.util.Arrays.copyOf(gz, gz.length - 12)), "truncated");
  }

  @Test
  void corruptGzip() throws Exception {
    byte[] gz = gzip(validNifti());
    gz[gz.length / 2] ^= 0x5a;
    gz[gz.length / 2 + 1] ^= 0x33;
    BadInputException e = assertThrows(BadInputException.class, () -> NiftiReader.readImage(write("c.nii.gz", gz)));
    assertTrue(e.getMessage().matches(".*(corrupt|truncated|not a NIfTI|sizeof_hdr|unsupported|dim).*"), e.getMessage());
    byte[] crc = gzip(validNifti());
    crc[crc.length - 6] ^= 0x01; // CRC32 in the trailer
    assertRejected(write("crc.nii.gz", crc), "corrupt");
  }

  @Test
  void headerFieldChecks() throws Exception {
    assertRejected(mutated(b -> b.putInt(0, 349)), "sizeof_hdr");
    assertRejected(mutated(b -> b.put(344, (byte) 'x')), "bad magic");
    assertRejected(mutated(b -> b.put(344, (byte) 'n').put(345, (byte) 'i')), ".hdr/.img");
    assertRejected(mutated(b -> b.putShort(40, (short) 0)), "dim[0]");
    assertRejected(mutated(b -> b.putShort(40, (short) 8)), "dim[0]");
    assertRejected(mutated(b -> b.putShort(44, (short) 0)), "dim[2]");
    assertRejected(mutated(b -> b.putShort(42, (short) -4)), "dim[1]");
    assertRejected(mutated(b -> b.putShort(40, (short) 4).putShort(48, (short) 5)), "split it first");
    assertRejected(mutated(b -> b.putShort(70, (short) 32)), "unsupported NIfTI datatype 32");
    assertRejected(mutated(b -> b.putShort(72, (short) 8)), "bitpix");
    assertRejected(mutated(b -> b.putFloat(108, Float.NaN)), "vox_offset");
    assertRejected(mutated(b -> b.putFloat(108, 100f)), "inside the header");
    assertRejected(mutated(b -> b.putFloat(108, 1e9f)), "truncated");
    assertRejected(mutated(b -> b.putFloat(112, 2f).putFloat(116, Float.NaN)), "scl_inter");
    assertRejected(mutated(b -> b.putFloat(112, Float.POSITIVE_INFINITY)), "scl_slope");
  }

  @Test
  void sizesThatOverflowOrExceedTheFileAreRejectedBeforeAllocating() throws Exception {
    assertRejected(mutated(b -> b.putShort(42, (short) 32767).putShort(44, (short) 32767).putShort(46, (short) 32767)), "too large");
    assertRejected(mutated(b -> b.putShort(42, (short) 1000).putShort(44, (short) 1000).putShort(46, (short) 100)), "truncated");
    byte[] gz = gzip(mutatedBytes(b -> b.putShort(42, (short) 30000).putShort(44, (short) 30000).putShort(46, (short) 2)));
    assertRejected(write("huge.nii.gz", gz), "more than a gzip");
  }

  @Test
  void geometryChecks() throws Exception {
    assertRejected(mutated(b -> b.putFloat(280, Float.NaN)), "non-finite");
    assertRejected(mutated(b -> b.putFloat(280, 0f).putFloat(296, 0f).putFloat(312, 0f)), "spacing");
    // shear: x axis tilted into y by 30 degrees without touching the y axis
    Path shear = mutated(b -> b.putFloat(296, 0.5f));
    assertRejected(shear, "not orthonormal");
    assertNotNull(NiftiReader.readImage(shear, new NiftiReader.Options(true)), "explicit opt-in accepts it");
    // pixdim fallback: both codes 0 and a zero spacing
    assertRejected(mutated(b -> b.putShort(252, (short) 0).putShort(254, (short) 0).putFloat(80, 0f)), "pixdim[1]");
    assertRejected(mutated(b -> b.putShort(254, (short) 0).putFloat(76, 0.5f)), "qfac");
  }

  @Test
  void qformIsUsedWhenSformCodeIsZeroAndMatchesTheSform() throws Exception {
    Path both = write("both.nii", validNifti());
    Path qOnly = mutated(b -> b.putShort(254, (short) 0));
    Geometry s = NiftiReader.readImage(both).geometry();
    Geometry q = NiftiReader.readImage(qOnly).geometry();
    assertTrue(s.approxEquals(q, 1e-5), s + " vs " + q);
  }

  @Test
  void missingFileAndFolder() {
    assertRejected(tmp.resolve("nope.nii"), "no such file");
    assertRejected(tmp, "is a folder");
  }

  @Test
  void labelsMustBeWholeNumbers() throws Exception {
    Path scaled = mutated(b -> b.putFloat(112, 0.3f).putFloat(116, 0f));
    BadInputException e = assertThrows(BadInputException.class, () -> NiftiReader.readLabels(scaled));
    assertTrue(e.getMessage().contains("not a label map"), e.getMessage());
  }

  private static byte[] mutatedBytes(Consumer<ByteBuffer> change) throws Exception {
    byte[] b = validNifti();
    change.accept(ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN));
    return b;
  }

  static byte[] gzip(byte[] b) throws Exception {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
      gz.write(b);
    }
    return bos.toByteArray();
  }
}
