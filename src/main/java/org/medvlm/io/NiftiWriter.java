package org.medvlm.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;
import net.imglib2.type.numeric.RealType;
import org.medvlm.BadInputException;
import org.medvlm.volume.Volume;

/**
 * Writes a volume as a single-file NIfTI ({@code .nii} or {@code .nii.gz}), NIfTI-1 unless a
 * size exceeds its 16-bit limit. The affine goes into the sform (exactly, as float32 in NIfTI-1)
 * and the qform (closest rotation), both with code 1. Output is atomic: see {@link AtomicFiles}.
 */
public final class NiftiWriter {
  private static final int CHUNK_VOXELS = 1 << 16;

  private NiftiWriter() {}

  /** Writes with the smallest datatype that holds every value exactly. */
  public static void write(Volume<?> volume, Path file, boolean overwrite) throws IOException {
    write(volume, file, smallestDatatype(volume), overwrite);
  }

  public static void write(Volume<?> volume, Path file, NiftiDatatype datatype, boolean overwrite) throws IOException {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    boolean gz = name.endsWith(".nii.gz");
    if (!gz && !name.endsWith(".nii")) throw new BadInputException(file, "output must end in .nii or .nii.gz");
    checkRange(volume, datatype, file);
    NiftiHeader h = header(volume, datatype);
    byte[] head = h.toBytes();
    AtomicFiles.write(file, overwrite, out -> {
      OutputStream target = gz ? new GZIPOutputStream(out, 1 << 16) : out;
      target.write(head);
      writeVoxels(volume, datatype, target);
      if (gz) ((GZIPOutputStream) target).finish();
    });
  }

  static NiftiHeader header(Volume<?> volume, NiftiDatatype datatype) {
    int[] d = volume.dims();
    NiftiHeader h = new NiftiHeader();
    h.version = d[0] > Short.MAX_VALUE || d[1] > Short.MAX_VALUE || d[2] > Short.MAX_VALUE ? 2 : 1;
    h.order = ByteOrder.LITTLE_ENDIAN;
    h.datatype = datatype;
    h.dim = new long[] {3, d[0], d[1], d[2], 1, 1, 1, 1};
    h.pixdim = new double[] {1, 1, 1, 1, 0, 0, 0, 0};
    h.setGeometry(volume.geometry());
    h.voxOffset = h.headerSize() + 4;
    h.sclSlope = 0;
    h.sclInter = 0;
    // a qform is a rotation: for a sheared affine it would contradict the sform, so only the sform is set
    h.qformCode = volume.geometry().orthonormalityError() > 1e-4 ? 0 : 1;
    h.sformCode = 1;
    h.xyztUnits = 2 | 8; // mm, seconds
    h.descrip = "medvlm";
    return h;
  }

  /** Smallest exact datatype: uint8 for typical label maps, int16 for integral HU, else float32. */
  public static NiftiDatatype smallestDatatype(Volume<?> volume) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    boolean integers = true;
    for (RealType<?> t : volume.img()) {
      double v = t.getRealDouble();
      if (v < min) min = v;
      if (v > max) max = v;
      if (integers && v != Math.rint(v)) integers = false;
    }
    if (min > max) min = max = 0;
    return NiftiDatatype.smallestFor(min, max, integers);
  }

  private static void checkRange(Volume<?> volume, NiftiDatatype dt, Path file) throws BadInputException {
    if (!dt.integer) return;
    for (RealType<?> t : volume.img()) {
      double v = t.getRealDouble();
      if (v < dt.min || v > dt.max || v != Math.rint(v)) {
        throw new BadInputException(file, "value " + v + " cannot be stored exactly as " + dt.name().toLowerCase(Locale.ROOT));
      }
    }
  }

  private static void writeVoxels(Volume<?> volume, NiftiDatatype dt, OutputStream out) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(CHUNK_VOXELS * dt.bytes()).order(ByteOrder.LITTLE_ENDIAN);
    for (RealType<?> t : volume.img()) {
      double v = t.getRealDouble();
      switch (dt) {
        case UINT8, INT8 -> buf.put((byte) (long) v);
        case INT16, UINT16 -> buf.putShort((short) (long) v);
        case INT32, UINT32 -> buf.putInt((int) (long) v);
        case FLOAT32 -> buf.putFloat((float) v);
        case FLOAT64 -> buf.putDouble(v);
      }
      if (!buf.hasRemaining()) {
        out.write(buf.array(), 0, buf.position());
        buf.clear();
      }
    }
    out.write(buf.array(), 0, buf.position());
  }
}
