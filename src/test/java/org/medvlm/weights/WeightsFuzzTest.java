package org.medvlm.weights;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.medvlm.BadInputException;

/**
 * Fuzz targets for the readers of pretrained checkpoints: the only exception they may throw is
 * {@link BadInputException}; anything else (or running out of memory) is a finding. The normal
 * test run replays the seeds in {@code WeightsFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes
 * (docs/fuzzing.md).
 */
class WeightsFuzzTest {
  private static final Path DIR = tempDir();

  private static Path tempDir() {
    try {
      Path shm = Path.of("/dev/shm");
      return Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "medvlm-wfuzz") : Files.createTempDirectory("medvlm-wfuzz");
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Opens the file and converts every tensor, as loading does. */
  private static void readAll(Path f) throws Exception {
    try (StateDict sd = WeightsFile.open(f)) {
      for (String name : sd.names()) sd.floats(name);
    } catch (BadInputException expected) {
      // the declared failure for bad files
    }
  }

  @FuzzTest(maxDuration = "5m")
  void safetensors(byte[] data) throws Exception {
    Path f = DIR.resolve("model.safetensors");
    Files.write(f, data);
    readAll(f);
  }

  /** The bytes as a whole zip checkpoint. */
  @FuzzTest(maxDuration = "5m")
  void torchZip(byte[] data) throws Exception {
    Path f = DIR.resolve("pytorch_model.bin");
    Files.write(f, data);
    readAll(f);
  }

  /** The bytes as {@code model.onnx}: the protobuf reader, the initializers and the MatMul renaming. */
  @FuzzTest(maxDuration = "5m")
  void onnx(byte[] data) throws Exception {
    Path f = DIR.resolve("model.onnx");
    Files.write(f, data);
    readAll(f);
  }

  /** The bytes as {@code data.pkl} of a well-formed zip with one 64-byte storage "0": reaches the unpickler directly. */
  @FuzzTest(maxDuration = "5m")
  void pickle(byte[] data) throws Exception {
    Path f = DIR.resolve("pickle.bin");
    Files.write(f, TorchPickleBadInputTest.zip(data, new byte[64], false));
    readAll(f);
  }
}
