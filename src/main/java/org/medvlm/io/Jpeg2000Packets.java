package org.medvlm.io;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.medvlm.BadInputException;

/**
 * Checks that a JPEG 2000 codestream's packets account for its tile data exactly (ITU-T T.800
 * annex B.10): every packet header is decoded (tag trees, coding passes, code-block lengths) and
 * the code-block data it announces must end exactly where the tile's data end, each codeword
 * segment free of marker codes. JJ2000, like every JPEG 2000 decoder, is built to decode what it
 * can of a damaged or truncated stream and says nothing; for a lossless CT slice, a stream whose
 * lengths do not add up is corrupt and its pixels are garbage.
 *
 * <p>Walked: one component, the maximal (default) precincts, any progression order, any number of
 * layers, tiles and tile-parts, SOP and EPH markers, termination on every pass. A codestream with
 * other features (explicit precinct sizes, progression order changes, per-component coding
 * styles, arithmetic-coding bypass) is left to the decoder's own checks and {@link #check} returns
 * false.
 */
final class Jpeg2000Packets {
  private static final int SIZ = 0xFF51, COD = 0xFF52, COC = 0xFF53, POC = 0xFF5F, SOT = 0xFF90, SOD = 0xFF93, EOC = 0xFFD9, SOP = 0xFF91,
      EPH = 0xFF92;
  private static final int LRCP = 0;

  private final byte[] cs;
  private final Path file;

  private Jpeg2000Packets(byte[] cs, Path file) {
    this.cs = cs;
    this.file = file;
  }

  /** The coding style (COD) that shapes the packets. */
  private record Style(int scod, int progression, int layers, int levels, int xcb, int ycb, int blockStyle) {
    boolean walkable() {
      return (scod & 1) == 0 && (blockStyle & 1) == 0 && layers >= 1 && levels <= 32 && xcb <= 8 && ycb <= 8 && xcb + ycb <= 12;
    }

    boolean termAll() {
      return (blockStyle & 4) != 0;
    }
  }

  /**
   * Refuses a codestream whose packets do not fill its tile data exactly.
   *
   * @return true when the codestream was walked, false when it uses features this walk does not cover
   */
  static boolean check(byte[] cs, Path file) throws BadInputException {
    return new Jpeg2000Packets(cs, file).walk();
  }

  private boolean walk() throws BadInputException {
    ByteBuffer b = ByteBuffer.wrap(cs);
    int pos = 2;
    Style main = null;
    long[] siz = null;
    while (pos + 4 <= cs.length) {
      int marker = u16(b, pos);
      if (marker == SOT) break;
      int len = u16(b, pos + 2);
      if (len < 2 || pos + 2 + len > cs.length) throw corrupt("main header marker " + hex(marker) + " runs past the end");
      if (marker == SIZ) siz = siz(b, pos);
      else if (marker == COD) main = style(b, pos, len);
      else if (marker == COC || marker == POC) return false;
      pos += 2 + len;
    }
    if (siz == null || main == null) throw corrupt("main header lacks SIZ or COD");
    if (siz[8] != 1) return false; // one component only
    long xsiz = siz[0], ysiz = siz[1], xo = siz[2], yo = siz[3], xt = siz[4], yt = siz[5], xto = siz[6], yto = siz[7];
    long tilesX = (xsiz - xto + xt - 1) / xt, tilesY = (ysiz - yto + yt - 1) / yt;
    int tiles = (int) (tilesX * tilesY);
    List<List<int[]>> bodies = new ArrayList<>(); // per tile: [from, to) of each tile-part's data
    Style[] styles = new Style[tiles];
    for (int t = 0; t < tiles; t++) bodies.add(new ArrayList<>());
    while (pos + 12 <= cs.length && u16(b, pos) == SOT) {
      int start = pos;
      int isot = u16(b, pos + 4);
      long psot = b.getInt(pos + 6) & 0xffffffffL;
      if (isot >= tiles) throw corrupt("tile-part of tile " + isot + ", but the image has " + tiles + " tiles");
      int end = psot == 0 ? eocOrEnd(b) : (int) Math.min(Integer.MAX_VALUE, start + psot);
      if (end > cs.length || end < start + 14) throw corrupt("tile-part length " + psot + " runs past the end of the codestream");
      pos += 2 + u16(b, pos + 2);
      while (true) {
        if (pos + 2 > end) throw corrupt("tile-part header of tile " + isot + " has no SOD marker");
        int marker = u16(b, pos);
        if (marker == SOD) break;
        int len = u16(b, pos + 2);
        if (len < 2 || pos + 2 + len > end) throw corrupt("tile-part header marker " + hex(marker) + " runs past the tile-part");
        if (marker == COC || marker == POC) return false;
        if (marker == COD) styles[isot] = style(b, pos, len);
        pos += 2 + len;
      }
      bodies.get(isot).add(new int[] {pos + 2, end});
      pos = end;
    }
    for (int t = 0; t < tiles; t++) {
      Style s = styles[t] != null ? styles[t] : main;
      if (!s.walkable()) return false;
    }
    for (int t = 0; t < tiles; t++) {
      if (bodies.get(t).isEmpty()) throw corrupt("tile " + t + " has no data");
      long p = t % tilesX, q = t / tilesX;
      long tx0 = Math.max(xto + p * xt, xo), tx1 = Math.min(xto + (p + 1) * xt, xsiz);
      long ty0 = Math.max(yto + q * yt, yo), ty1 = Math.min(yto + (q + 1) * yt, ysiz);
      long cx0 = ceilDiv(tx0, siz[9]), cx1 = ceilDiv(tx1, siz[9]), cy0 = ceilDiv(ty0, siz[10]), cy1 = ceilDiv(ty1, siz[10]);
      new TileWalk(styles[t] != null ? styles[t] : main, cx0, cx1, cy0, cy1, t).run(bodies.get(t));
    }
    return true;
  }

  /** The packets of one tile over the concatenated data of its tile-parts. */
  private final class TileWalk {
    private final Style style;
    private final int tile;
    /** Per resolution, its bands' code-block grids and coding state. */
    private final List<List<Band>> resolutions = new ArrayList<>();
    private byte[] data;
    private int at;

    TileWalk(Style style, long cx0, long cx1, long cy0, long cy1, int tile) {
      this.style = style;
      this.tile = tile;
      int nl = style.levels();
      for (int r = 0; r <= nl; r++) {
        List<Band> bands = new ArrayList<>();
        boolean empty = ceilDiv(cx1, 1L << (nl - r)) <= ceilDiv(cx0, 1L << (nl - r)) || ceilDiv(cy1, 1L << (nl - r)) <= ceilDiv(cy0, 1L << (nl - r));
        if (!empty) {
          if (r == 0) {
            bands.add(band(cx0, cx1, cy0, cy1, nl, 0, 0));
          } else {
            int level = nl - r + 1;
            bands.add(band(cx0, cx1, cy0, cy1, level, 1, 0));
            bands.add(band(cx0, cx1, cy0, cy1, level, 0, 1));
            bands.add(band(cx0, cx1, cy0, cy1, level, 1, 1));
          }
        }
        resolutions.add(bands);
      }
    }

    private Band band(long cx0, long cx1, long cy0, long cy1, int level, int xob, int yob) {
      long half = level == 0 ? 0 : 1L << (level - 1);
      long bx0 = ceilDiv(cx0 - half * xob, 1L << level), bx1 = ceilDiv(cx1 - half * xob, 1L << level);
      long by0 = ceilDiv(cy0 - half * yob, 1L << level), by1 = ceilDiv(cy1 - half * yob, 1L << level);
      int w = 1 << (style.xcb() + 2), h = 1 << (style.ycb() + 2);
      int nx = bx1 > bx0 ? (int) (ceilDiv(bx1, w) - Math.floorDiv(bx0, w)) : 0;
      int ny = by1 > by0 ? (int) (ceilDiv(by1, h) - Math.floorDiv(by0, h)) : 0;
      return new Band(nx, ny);
    }

    void run(List<int[]> parts) throws BadInputException {
      int total = 0;
      for (int[] part : parts) total += part[1] - part[0];
      data = new byte[total];
      int off = 0;
      for (int[] part : parts) {
        System.arraycopy(cs, part[0], data, off, part[1] - part[0]);
        off += part[1] - part[0];
      }
      at = 0;
      int nl = style.levels();
      if (style.progression() == LRCP) {
        for (int l = 0; l < style.layers(); l++) for (int r = 0; r <= nl; r++) packet(l, r);
      } else {
        // RLCP, RPCL, PCRL, CPRL: with one component and one precinct per resolution, resolution then layer
        for (int r = 0; r <= nl; r++) for (int l = 0; l < style.layers(); l++) packet(l, r);
      }
      if (at != data.length) {
        throw corrupt("tile " + tile + ": its packets account for " + at + " of its " + data.length + " data bytes");
      }
    }

    private void packet(int layer, int r) throws BadInputException {
      List<Band> bands = resolutions.get(r);
      if (bands.isEmpty()) return;
      if ((style.scod() & 2) != 0 && at + 6 <= data.length && u16(data, at) == SOP) at += 6;
      Bits bits = new Bits(data, at);
      List<int[]> segments = new ArrayList<>(); // lengths announced by this packet, in order
      if (bits.bit() == 1) {
        for (Band band : bands) {
          for (int k = 0; k < band.count(); k++) {
            boolean included;
            if (!band.included[k]) {
              included = band.inclusion.decode(bits, k, layer + 1);
            } else {
              included = bits.bit() == 1;
            }
            if (!included) continue;
            if (!band.included[k]) {
              int planes = 0;
              while (!band.zeroPlanes.decode(bits, k, planes + 1)) {
                if (++planes > 74) throw corrupt("tile " + tile + ": a code-block's zero bit-planes exceed any sample depth");
              }
              band.included[k] = true;
            }
            int passes = passes(bits);
            while (bits.bit() == 1) {
              if (++band.lblock[k] > 32) throw corrupt("tile " + tile + ": a code-block length field grows past 32 bits");
            }
            if (style.termAll()) {
              for (int p = 0; p < passes; p++) segments.add(new int[] {bits.bits(band.lblock[k])});
            } else {
              segments.add(new int[] {bits.bits(band.lblock[k] + floorLog2(passes))});
            }
          }
        }
      }
      at = bits.align();
      if ((style.scod() & 4) != 0) {
        if (at + 2 > data.length || u16(data, at) != EPH) throw corrupt("tile " + tile + ": a packet header lacks its EPH marker");
        at += 2;
      }
      for (int[] s : segments) {
        int len = s[0];
        if (len > data.length - at) throw corrupt("tile " + tile + ": a code-block of " + len + " bytes runs past the tile data");
        for (int i = at; i < at + len - 1; i++) {
          if (data[i] == (byte) 0xFF && (data[i + 1] & 0xff) > 0x8F) throw corrupt("tile " + tile + ": a marker code inside code-block data");
        }
        at += len;
      }
    }

    /** The number of new coding passes (T.800 table B.4). */
    private int passes(Bits bits) throws BadInputException {
      if (bits.bit() == 0) return 1;
      if (bits.bit() == 0) return 2;
      int n = bits.bits(2);
      if (n != 3) return 3 + n;
      n = bits.bits(5);
      if (n != 31) return 6 + n;
      return 37 + bits.bits(7);
    }
  }

  /** A subband's code-blocks in one precinct: their tag trees and state. */
  private static final class Band {
    final TagTree inclusion, zeroPlanes;
    final boolean[] included;
    final int[] lblock;
    final int nx, ny;

    Band(int nx, int ny) {
      this.nx = nx;
      this.ny = ny;
      inclusion = new TagTree(nx, ny);
      zeroPlanes = new TagTree(nx, ny);
      included = new boolean[nx * ny];
      lblock = new int[nx * ny];
      java.util.Arrays.fill(lblock, 3);
    }

    int count() {
      return nx * ny;
    }
  }

  /** A tag tree (T.800 B.10.2) over a grid of code-blocks, decoded up to a threshold. */
  private static final class TagTree {
    private final int[] value, low, parent;
    private final int leaves;

    TagTree(int w, int h) {
      List<int[]> levels = new ArrayList<>();
      int n = 0;
      int lw = Math.max(w, 1), lh = Math.max(h, 1);
      while (true) {
        levels.add(new int[] {lw, lh, n});
        n += lw * lh;
        if (lw == 1 && lh == 1) break;
        lw = (lw + 1) / 2;
        lh = (lh + 1) / 2;
      }
      leaves = w * h;
      value = new int[n];
      low = new int[n];
      parent = new int[n];
      java.util.Arrays.fill(value, Integer.MAX_VALUE);
      for (int l = 0; l < levels.size(); l++) {
        int[] lv = levels.get(l);
        for (int y = 0; y < lv[1]; y++) {
          for (int x = 0; x < lv[0]; x++) {
            int node = lv[2] + y * lv[0] + x;
            if (l + 1 < levels.size()) {
              int[] up = levels.get(l + 1);
              parent[node] = up[2] + (y / 2) * up[0] + x / 2;
            } else {
              parent[node] = -1;
            }
          }
        }
      }
    }

    /** True when the leaf's value is below {@code threshold}; reads the bits that tells. */
    boolean decode(Bits bits, int leaf, int threshold) throws BadInputException {
      if (leaf >= leaves) throw new IllegalStateException("leaf " + leaf);
      int[] path = new int[32];
      int depth = 0;
      for (int node = leaf; node >= 0; node = parent[node]) path[depth++] = node;
      int lo = 0;
      for (int i = depth - 1; i >= 0; i--) {
        int node = path[i];
        if (lo > low[node]) low[node] = lo;
        else lo = low[node];
        while (lo < threshold && lo < value[node]) {
          if (bits.bit() == 1) value[node] = lo;
          else lo++;
        }
        low[node] = lo;
      }
      return value[leaf] < threshold;
    }
  }

  /** Packet header bits: after a 0xFF byte the next byte holds 7 bits (its top bit must be 0). */
  private final class Bits {
    private final byte[] d;
    private int pos, buf, count;

    Bits(byte[] d, int pos) {
      this.d = d;
      this.pos = pos;
    }

    int bit() throws BadInputException {
      if (count == 0) next();
      count--;
      return (buf >> count) & 1;
    }

    int bits(int n) throws BadInputException {
      int v = 0;
      for (int i = 0; i < n; i++) v = (v << 1) | bit();
      if (v < 0) throw corrupt("a packet header announces a code-block longer than 2 GB");
      return v;
    }

    private void next() throws BadInputException {
      if (pos >= d.length) throw corrupt("a packet header runs past the tile data");
      boolean stuffed = (buf & 0xff) == 0xff;
      int b = d[pos++] & 0xff;
      if (stuffed && b > 0x7F) throw corrupt("a marker code inside a packet header");
      buf = b;
      count = stuffed ? 7 : 8;
    }

    /** Position after the header: a header ending in 0xFF takes one more (stuffing) byte. */
    int align() throws BadInputException {
      if ((buf & 0xff) == 0xff) {
        if (pos >= d.length) throw corrupt("a packet header runs past the tile data");
        pos++;
      }
      count = 0;
      buf = 0;
      return pos;
    }
  }

  private Style style(ByteBuffer b, int pos, int len) throws BadInputException {
    if (len < 12) throw corrupt("COD marker is " + len + " bytes, expected at least 12");
    return new Style(b.get(pos + 4) & 0xff, b.get(pos + 5) & 0xff, u16(b, pos + 6), b.get(pos + 9) & 0xff, b.get(pos + 10) & 0xff, b.get(pos + 11) & 0xff,
        b.get(pos + 12) & 0xff);
  }

  /** Xsiz, Ysiz, XOsiz, YOsiz, XTsiz, YTsiz, XTOsiz, YTOsiz, Csiz, XRsiz, YRsiz of the first component. */
  private long[] siz(ByteBuffer b, int pos) throws BadInputException {
    if (pos + 45 > cs.length) throw corrupt("SIZ marker is truncated");
    long[] v = new long[11];
    for (int i = 0; i < 8; i++) v[i] = b.getInt(pos + 6 + 4 * i) & 0xffffffffL;
    v[8] = u16(b, pos + 38);
    v[9] = b.get(pos + 41) & 0xff;
    v[10] = b.get(pos + 42) & 0xff;
    if (v[4] == 0 || v[5] == 0 || v[9] == 0 || v[10] == 0) throw corrupt("SIZ marker has a zero tile size or subsampling");
    return v;
  }

  private int eocOrEnd(ByteBuffer b) {
    return cs.length >= 2 && u16(b, cs.length - 2) == EOC ? cs.length - 2 : cs.length;
  }

  private BadInputException corrupt(String why) {
    return new BadInputException(file, "JPEG 2000 pixel data are corrupt: " + why);
  }

  private static int u16(ByteBuffer b, int at) {
    return b.getShort(at) & 0xffff;
  }

  private static int u16(byte[] d, int at) {
    return ((d[at] & 0xff) << 8) | (d[at + 1] & 0xff);
  }

  private static String hex(int marker) {
    return String.format("0x%04X", marker);
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }

  private static int floorLog2(int n) {
    return 31 - Integer.numberOfLeadingZeros(n);
  }
}
