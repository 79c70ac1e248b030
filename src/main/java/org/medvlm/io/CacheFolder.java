package org.medvlm.io;

import java.nio.file.Path;
import org.medvlm.BadInputException;

/**
 * Where Med-VLM unpacks what it ships inside its jars (the built-in text encoder, the starter
 * model): {@code MEDVLM_CACHE}, else {@code $XDG_CACHE_HOME/medvlm}, else {@code ~/.cache/medvlm}.
 */
public final class CacheFolder {
  private CacheFolder() {}

  public static Path root() throws BadInputException {
    String own = System.getenv("MEDVLM_CACHE");
    if (own != null && !own.isBlank()) return Path.of(own);
    String xdg = System.getenv("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank()) return Path.of(xdg, "medvlm");
    String home = System.getProperty("user.home");
    if (home == null || home.isBlank()) throw new BadInputException("MEDVLM_CACHE", "no home folder: set MEDVLM_CACHE to a writable folder");
    return Path.of(home, ".cache", "medvlm");
  }
}
