package org.medvlm.io;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;
import net.imglib2.type.numeric.real.FloatType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medvlm.BadInputException;
import org.medvlm.volume.Volume;

/** Series written by pydicom and compressed by OpenJPEG (make_fixtures.py) read as expected. */
class DicomSeriesReaderTest {
  static final Path DIR = Paths.get("src/test/resources/dicom");
  @TempDir Path tmp;

  @Test
  void allEncodingsGiveTheExpectedVolumeAndAffine() throws Exception {
    JsonObject exp = JsonParser.parseString(Files.readString(DIR.resolve("expected.json"))).getAsJsonObject();
    JsonArray values = exp.getAsJsonArray("values_x_fastest");
    JsonArray affine = exp.getAsJsonArray("affine");
    for (String folder : List.of("explicit_signed", "implicit_unsigned", "j2k_signed", "j2k_unsigned")) {
      Volume<FloatType> v = DicomSeriesReader.read(DIR.resolve(folder));
      assertArrayEquals(new int[] {20, 16, 5}, v.dims(), folder);
      float[] d = Volume.floats(v);
      for (int i = 0; i < d.length; i++) assertEquals(values.get(i).getAsFloat(), d[i], 0f, folder + " voxel " + i);
      double[][] a = v.geometry().affine();
      for (int r = 0; r < 3; r++) for (int c = 0; c < 4; c++) {
        assertEquals(affine.get(r).getAsJsonArray().get(c).getAsDouble(), a[r][c], 1e-9, folder + " affine");
      }
      assertEquals("LPS", v.geometry().orientationCode());
    }
  }

  private Path copy(String folder) throws Exception {
    Path out = Files.createTempDirectory(tmp, folder);
    try (Stream<Path> s = Files.list(DIR.resolve(folder))) {
      for (Path p : s.toList()) Files.copy(p, out.resolve(p.getFileName()));
    }
    return out;
  }

  private static void assertRejected(Path dir, String expected) {
    BadInputException e = assertThrows(BadInputException.class, () -> DicomSeriesReader.read(dir));
    assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }

  /** Offset of an element's value in an explicit-VR little-endian file (short VR form). */
  static int valueOffset(byte[] b, int group, int element) {
    for (int i = 132; i + 8 < b.length; i++) {
      if ((b[i] & 0xff) == (group & 0xff) && (b[i + 1] & 0xff) == group >> 8 && (b[i + 2] & 0xff) == (element & 0xff) && (b[i + 3] & 0xff) == element >> 8) {
        return i + 8;
      }
    }
    throw new AssertionError("tag not found");
  }

  private static void patch(Path file, int group, int element, int newUnsignedShort) throws Exception {
    byte[] b = Files.readAllBytes(file);
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(valueOffset(b, group, element), (short) newUnsignedShort);
    Files.write(file, b);
  }

  @Test
  void notDicomAndTruncatedAndOverlongElements() throws Exception {
    Path dir = copy("explicit_signed");
    Path f = dir.resolve("slice000.dcm");
    byte[] good = Files.readAllBytes(f);
    Files.write(f, "hello".getBytes());
    assertRejected(dir, "no 'DICM'");
    Files.write(f, java.util.Arrays.copyOf(good, good.length - 100));
    assertRejected(dir, "claims");
    byte[] b = good.clone();
    int pixelLen = valueOffset(b, 0x7FE0, 0x0010) + 4; // OW: 2 reserved bytes, then a 4-byte length at +8
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(pixelLen - 4, 0x7fff0000);
    Files.write(f, b);
    assertRejected(dir, "only");
  }

  @Test
  void pixelDataLengthMustMatchRowsColumnsAndBits() throws Exception {
    Path dir = copy("explicit_signed");
    patch(dir.resolve("slice002.dcm"), 0x0028, 0x0010, 17);
    assertRejected(dir, "rows x");
  }

  @Test
  void seriesConsistency() throws Exception {
    Path two = copy("explicit_signed");
    Files.copy(DIR.resolve("implicit_unsigned/slice000.dcm"), two.resolve("other.dcm"));
    assertRejected(two, "holds 2 series");
    Path dup = copy("explicit_signed");
    Files.copy(dup.resolve("slice001.dcm"), dup.resolve("slice001-copy.dcm"));
    assertRejected(dup, "duplicate slice");
    Path gap = copy("explicit_signed");
    Volume<FloatType> full = DicomSeriesReader.read(gap);
    for (Path p : Files.list(gap).toList()) {
      // remove the slice in the middle of the stack
      float[] hu = DicomSlice.read(p).hu();
      float[] mid = java.util.Arrays.copyOfRange(Volume.floats(full), 2 * 320, 3 * 320);
      if (java.util.Arrays.equals(hu, mid)) Files.delete(p);
    }
    assertRejected(gap, "slices are missing");
    assertRejected(DIR.resolve("mixed_sizes"), "is 18 x 16 but");
    Path empty = Files.createDirectory(tmp.resolve("empty"));
    assertRejected(empty, "empty folder");
  }

  @Test
  void jpeg2000HeaderMustAgreeWithDicomHeader() throws Exception {
    Path size = copy("j2k_signed");
    patch(size.resolve("slice000.dcm"), 0x0028, 0x0011, 21);
    assertRejected(size, "JPEG 2000 image is 20 x 16 but the header says 21 x 16");
    Path depth = copy("j2k_signed");
    patch(depth.resolve("slice000.dcm"), 0x0028, 0x0100, 8);
    patch(depth.resolve("slice000.dcm"), 0x0028, 0x0101, 8);
    assertRejected(depth, "bit depth 16");
    Path sign = copy("j2k_signed");
    patch(sign.resolve("slice000.dcm"), 0x0028, 0x0103, 0);
    assertRejected(sign, "signed");
  }

  @Test
  void damagedJpeg2000CodestreamIsAnInputError() throws Exception {
    Path dir = copy("j2k_unsigned");
    Path f = dir.resolve("slice000.dcm");
    byte[] b = Files.readAllBytes(f);
    for (int i = b.length - 150; i < b.length - 20; i++) b[i] ^= (byte) 0xA5;
    Files.write(f, b);
    try {
      DicomSeriesReader.read(dir); // JJ2000 may decode garbage without noticing; that is acceptable
    } catch (BadInputException e) {
      assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
    }
  }
  /** A duplicated slice is named as a duplicate, not reported as a gap at an innocent neighbour. */
  @Test
  void aDuplicateSliceIsNamedAsSuch() throws Exception {
    Path d = copy("explicit_signed");
    Files.copy(d.resolve("slice002.dcm"), d.resolve("slice002_again.dcm"));
    BadInputException e = assertThrows(BadInputException.class, () -> DicomSeriesReader.read(d));
    assertTrue(e.getMessage().contains("slice002") && e.getMessage().contains("duplicate slice"), e.getMessage());
    assertFalse(e.getMessage().contains("mm from the previous slice"), e.getMessage());
  }

  /** A lone slice takes its SliceThickness as slice spacing (2.5 mm in the fixtures), not 1 mm. */
  @Test
  void aSingleSliceTakesItsSliceThickness() throws Exception {
    Path d = Files.createDirectories(tmp.resolve("one"));
    Files.copy(DIR.resolve("explicit_signed/slice000.dcm"), d.resolve("slice000.dcm"));
    Volume<FloatType> v = DicomSeriesReader.read(d);
    assertEquals(2.5, v.geometry().spacing()[2], 1e-9);
  }

  /**
   * The review's finding: every 97th byte of a codestream's tile data changed (same length).
   * JJ2000 decodes that to garbage without a word (mean error 1,008 HU); the packet walk refuses
   * it, for patient B's Siemens slices (12 layers, RLCP: packet headers all through the data) at
   * every offset tried, and for the OpenJPEG fixtures (one layer) whenever a packet header is hit.
   * The intact slices still read. (A change that hits only arithmetic-coded bytes and makes no
   * marker code cannot be seen: JPEG 2000 carries no checksum.)
   */
  @Test
  void corruptJpeg2000DataAreRefused() throws Exception {
    List<Path> slices = new java.util.ArrayList<>();
    try (Stream<Path> s = Files.list(org.medvlm.TestData.realCt().resolve("dicom_case"))) {
      slices.addAll(s.sorted().limit(4).toList());
    }
    for (Path slice : slices) {
      byte[] intact = Files.readAllBytes(slice);
      DicomSlice.read(slice);
      for (int offset : new int[] {0, 13, 31, 53, 64, 96}) assertRefused(corrupt(intact, offset), slice + " at offset " + offset);
    }
    for (String f : List.of("j2k_signed", "j2k_unsigned")) {
      try (Stream<Path> s = Files.list(DIR.resolve(f))) {
        for (Path slice : s.sorted().toList()) {
          byte[] intact = Files.readAllBytes(slice);
          DicomSlice.read(slice);
          assertRefused(corrupt(intact, 0), slice + ": its first packet header changed");
        }
      }
    }
  }

  private void assertRefused(byte[] dicom, String what) throws Exception {
    Path bad = tmp.resolve("bad.dcm");
    Files.write(bad, dicom);
    BadInputException e = assertThrows(BadInputException.class, () -> DicomSlice.read(bad), what);
    assertTrue(e.getMessage().contains("JPEG 2000") && e.getMessage().contains("corrupt"), e.getMessage());
  }

  /** Every 97th byte of the tile data, from {@code offset} after its start (SOD), xor 0x5A. */
  private static byte[] corrupt(byte[] intact, int offset) {
    byte[] b = intact.clone();
    int sod = -1;
    for (int i = 0; i + 1 < b.length; i++) {
      if ((b[i] & 0xff) == 0xFF && (b[i + 1] & 0xff) == 0x93) {
        sod = i;
        break;
      }
    }
    assertTrue(sod > 0, "a tile-part");
    for (int i = sod + 2 + offset; i < b.length - 2; i += 97) b[i] ^= 0x5A;
    return b;
  }

  @Test
  void decodedValuesOutsideBitsStoredAreRefused() throws Exception {
    DicomSlice.checkStoredRange(Path.of("x.dcm"), new int[] {0, 4095}, 12, false);
    DicomSlice.checkStoredRange(Path.of("x.dcm"), new int[] {-2048, 2047}, 12, true);
    BadInputException e = assertThrows(BadInputException.class, () -> DicomSlice.checkStoredRange(Path.of("x.dcm"), new int[] {0, 4096, 9000}, 12, false));
    assertTrue(e.getMessage().contains("2 decoded values (first 4096) lie outside the 12 bits stored"), e.getMessage());
  }
}
