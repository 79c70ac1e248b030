package org.medvlm.io;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.medvlm.BadInputException;

class Jpeg2000Test {
  /** SOC and a one-component SIZ of 4 x 4 pixels, 16 bits signed. */
  private static void header(ByteArrayOutputStream o) {
    ByteBuffer siz = ByteBuffer.allocate(2 + 41);
    siz.putShort((short) 0xFF51).putShort((short) 41).putShort((short) 0);
    siz.putInt(4).putInt(4).putInt(0).putInt(0).putInt(4).putInt(4).putInt(0).putInt(0);
    siz.putShort((short) 1).put((byte) 0x8F).put((byte) 1).put((byte) 1);
    o.writeBytes(new byte[] {(byte) 0xFF, 0x4F});
    o.writeBytes(siz.array());
  }

  private static byte[] segment(int marker, int payload) {
    ByteBuffer b = ByteBuffer.allocate(4 + payload);
    b.putShort((short) marker).putShort((short) (2 + payload));
    return b.array();
  }

  private static byte[] sot() {
    ByteBuffer b = ByteBuffer.allocate(12);
    b.putShort((short) 0xFF90).putShort((short) 10).putShort((short) 0).putInt(0).put((byte) 0).put((byte) 1);
    return b.array();
  }

  @Test
  void packedPacketHeadersAreRefusedBeforeDecoding() {
    ByteArrayOutputStream main = new ByteArrayOutputStream();
    header(main);
    main.writeBytes(segment(0xFF60, 3));
    main.writeBytes(sot());
    main.writeBytes(new byte[] {(byte) 0xFF, (byte) 0x93});
    Path f = Path.of("ppm.dcm");
    BadInputException e = assertThrows(BadInputException.class, () -> Jpeg2000.checkMarkers(main.toByteArray(), f));
    assertTrue(e.getMessage().contains("PPM/PPT"), e.getMessage());

    ByteArrayOutputStream tile = new ByteArrayOutputStream();
    header(tile);
    tile.writeBytes(sot());
    tile.writeBytes(segment(0xFF61, 3));
    tile.writeBytes(new byte[] {(byte) 0xFF, (byte) 0x93});
    assertThrows(BadInputException.class, () -> Jpeg2000.checkMarkers(tile.toByteArray(), f));
    assertEquals(4, assertDoesNotThrow(() -> Jpeg2000.siz(tile.toByteArray(), f)).width());
  }

  @Test
  void tilingIsChecked() {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    header(o);
    byte[] cs = o.toByteArray();
    ByteBuffer b = ByteBuffer.wrap(cs);
    b.putInt(8, 4000).putInt(12, 4000).putInt(28, 1).putInt(24, 1); // 4000 x 4000 tiles of one pixel
    BadInputException e = assertThrows(BadInputException.class, () -> Jpeg2000.siz(cs, Path.of("t.dcm")));
    assertTrue(e.getMessage().contains("tiles"), e.getMessage());
    b.putInt(24, 0);
    assertTrue(assertThrows(BadInputException.class, () -> Jpeg2000.siz(cs, Path.of("t.dcm"))).getMessage().contains("tiling is invalid"));
  }

  @Test
  void doubleFfInTileDataIsRefused() {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    header(o);
    o.writeBytes(sot());
    o.writeBytes(new byte[] {(byte) 0xFF, (byte) 0x93, 0x10, (byte) 0xFF, (byte) 0xFF, 0x00});
    BadInputException e = assertThrows(BadInputException.class, () -> Jpeg2000.checkMarkers(o.toByteArray(), Path.of("ff.dcm")));
    assertTrue(e.getMessage().contains("0xFF 0xFF"), e.getMessage());
  }

  @Test
  void realCodestreamPassesTheMarkerWalk() throws Exception {
    Path p = Path.of("src/test/resources/dicom/j2k_signed/slice000.dcm");
    DicomFile d = DicomFile.parse(Files.readAllBytes(p), p);
    assertEquals(1, d.fragments.size());
    assertDoesNotThrow(() -> Jpeg2000.checkMarkers(d.fragments.get(0), p));
  }
}
