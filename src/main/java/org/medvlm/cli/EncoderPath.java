package org.medvlm.cli;

import java.nio.file.Path;
import org.medvlm.weights.BuiltinEncoders;
import picocli.CommandLine.ITypeConverter;

/** A weights option's value: a file or folder, or {@code builtin:NAME} (its unpacked folder). */
final class EncoderPath implements ITypeConverter<Path> {
  @Override
  public Path convert(String value) throws Exception {
    return BuiltinEncoders.resolve(value);
  }
}
