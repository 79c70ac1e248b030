package org.medvlm.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.medvlm.BadInputException;

/**
 * The rules every command that writes follows before it reads or computes anything:
 * <ul>
 *   <li>an output never replaces a file the same run reads, {@code --overwrite} or not: paths are
 *       compared as real paths (links resolved); nor does it go inside a folder the run reads (a
 *       DICOM series, whose next read would meet a file that is no slice; a training folder);</li>
 *   <li>an output's name has the extension of what is written into it, so a table cannot land on
 *       a CT or a checkpoint by a slip of the keyboard;</li>
 *   <li>outputs are then written by {@link AtomicFiles}: all or nothing.</li>
 * </ul>
 */
public final class RunOutputs {
  private RunOutputs() {}

  /**
   * All a single output file must pass before the run reads anything: its extension, that it may
   * be written (an existing file only with {@code overwrite}, a writable folder), and that it is
   * none of {@code reads} and lies in none of them.
   */
  public static void check(Path output, boolean overwrite, Collection<Path> reads, String... extensions) throws BadInputException {
    requireExtension(output, extensions);
    AtomicFiles.checkWritable(output, overwrite);
    refuseReplacingInputs(output, reads);
  }

  /**
   * Refuses {@code output} when it is one of {@code inputs} or lies inside an input folder.
   * Missing inputs are ignored (the reader names them).
   */
  public static void refuseReplacingInputs(Path output, Collection<Path> inputs) throws BadInputException {
    Path out = realPathOfTarget(output);
    if (out == null) return;
    for (Path in : inputs) {
      if (in == null) continue;
      Path real = realPath(in);
      if (real == null) continue;
      boolean sameFile = out.equals(real);
      if (sameFile) throw new BadInputException(output, "would replace the input " + in + ", which this run reads; choose another output");
      if (Files.isDirectory(real) && out.startsWith(real)) {
        throw new BadInputException(output, "lies inside the input folder " + in + ", which this run reads; choose another output");
      }
    }
  }

  public static void refuseReplacingInputs(Path output, Path... inputs) throws BadInputException {
    refuseReplacingInputs(output, Arrays.stream(inputs).filter(Objects::nonNull).toList());
  }

  /** Refuses an output folder that is an input or lies inside one (its files would become inputs of the next run). */
  public static void refuseFolderInsideInput(Path outputFolder, Path inputFolder) throws BadInputException {
    Path out = realPathOfTarget(outputFolder);
    Path in = realPath(inputFolder);
    if (out != null && in != null && out.startsWith(in)) {
      throw new BadInputException(outputFolder, "lies inside the input folder " + inputFolder + "; choose an output folder outside it");
    }
  }

  /** Refuses a file name that does not end with one of {@code extensions} (lower case, with the dot). */
  public static void requireExtension(Path output, String... extensions) throws BadInputException {
    String name = output.getFileName() == null ? "" : output.getFileName().toString().toLowerCase(Locale.ROOT);
    for (String e : extensions) if (name.endsWith(e)) return;
    throw new BadInputException(output, "output name must end with " + String.join(" or ", List.of(extensions)));
  }

  /**
   * The real path {@code target} will have once written: its own real path if it exists, else its
   * folder's real path plus its name; null when its folder does not exist either.
   */
  private static Path realPathOfTarget(Path target) {
    Path real = realPath(target);
    if (real != null) return real;
    Path abs = target.toAbsolutePath().normalize();
    Path parent = abs.getParent();
    Path realParent = parent == null ? null : realPath(parent);
    return realParent == null || abs.getFileName() == null ? null : realParent.resolve(abs.getFileName());
  }

  private static Path realPath(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      return null;
    }
  }
}
