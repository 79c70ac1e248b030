package org.medvlm.fiji;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.medvlm.BadInputException;
import org.medvlm.infer.StarterModel;

/**
 * Where a command finds its model when none is given: the {@code medvlm.model} system property
 * or {@code MEDVLM_MODEL} environment variable, else {@code models/<kind>/} in the Fiji/ImageJ
 * folder, else {@code ~/.medvlm/models/<kind>/} (a checkpoint file or a training folder), else
 * the starter model that ships in the jar ({@link StarterModel}, docs/models.md).
 */
public final class ModelLocator {
  private ModelLocator() {}

  /** The given model, or the default for {@code kind} ("medvlm" or "unet"). */
  public static Path resolve(Path given, String kind) throws java.io.IOException {
    if (given != null && StarterModel.isStarter(given.toString())) return StarterModel.file();
    if (given != null && !given.toString().isBlank()) return given;
    List<Path> tried = new ArrayList<>();
    String prop = System.getProperty("medvlm.model", System.getenv("MEDVLM_MODEL"));
    if (prop != null && !prop.isBlank()) return Path.of(prop);
    String ij = System.getProperty("ij.dir", System.getProperty("imagej.dir"));
    if (ij != null) tried.add(Path.of(ij, "models", kind));
    tried.add(Path.of(System.getProperty("user.home"), ".medvlm", "models", kind));
    for (Path p : tried) if (Files.exists(p)) return p;
    if (StarterModel.available()) return StarterModel.file();
    throw new BadInputException("model", "no model given and none found in " + String.join(" or ", tried.stream().map(Path::toString).toList())
        + " (set model=... or put a checkpoint or training folder there)");
  }
}
