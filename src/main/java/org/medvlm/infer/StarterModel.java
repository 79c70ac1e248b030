package org.medvlm.infer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.CRC32;
import org.medvlm.BadInputException;
import org.medvlm.io.AtomicFiles;
import org.medvlm.io.CacheFolder;

/**
 * The model that ships in the jar, used when a command is given none: a small 2D U-Net trained on
 * the repository's two real patients and its phantoms by {@code tools/train_starter_model.sh}
 * (model card: {@code docs/models.md}). A starter model for trying the tools on real CT, not a
 * clinical one. Named {@code builtin:starter-unet} wherever a model is asked for; unpacked once
 * into the cache ({@link CacheFolder}), under a name that changes with its content.
 */
public final class StarterModel {
  public static final String NAME = "builtin:starter-unet";
  static final String RESOURCE = "/org/medvlm/models/starter-unet.ckpt";

  private StarterModel() {}

  public static boolean isStarter(String spec) {
    return spec != null && spec.trim().equalsIgnoreCase(NAME);
  }

  /** Whether this installation holds the starter model. */
  public static boolean available() {
    return StarterModel.class.getResource(RESOURCE) != null;
  }

  /** The starter model's checkpoint file, unpacked on first use. */
  public static Path file() throws IOException {
    byte[] bytes;
    try (InputStream in = StarterModel.class.getResourceAsStream(RESOURCE)) {
      if (in == null) throw new BadInputException(NAME, "is not in this installation (" + RESOURCE.substring(1) + " missing from the jar): give a model");
      bytes = in.readAllBytes();
    }
    CRC32 crc = new CRC32();
    crc.update(bytes);
    Path dir = CacheFolder.root().resolve("builtin");
    Path target = dir.resolve(String.format(Locale.ROOT, "starter-unet-%08x.ckpt", crc.getValue()));
    if (Files.isRegularFile(target) && Files.size(target) == bytes.length) return target;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new BadInputException(dir, "cannot create the cache folder for the starter model (set MEDVLM_CACHE to a writable folder)");
    }
    AtomicFiles.write(target, true, out -> out.write(bytes));
    return target;
  }

  /** {@code spec} as a model path: the starter model's file for {@link #NAME}, else the path. */
  public static Path resolve(String spec) throws IOException {
    return isStarter(spec) ? file() : Path.of(spec.trim());
  }
}
