package org.medvlm.io;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** PNG figures, written atomically. */
public final class PngFile {
  private PngFile() {}

  /**
   * Writes {@code image} to {@code file}. ImageIO's disk cache is turned off: it registers its
   * temporary files for deletion at exit, which fails while the JVM shuts down (a training run
   * finishing its last epoch after SIGTERM still writes its curves).
   */
  public static void write(BufferedImage image, Path file) throws IOException {
    ImageIO.setUseCache(false);
    AtomicFiles.write(file, true, out -> ImageIO.write(image, "png", out));
  }
}
