package org.medvlm.weights;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.medvlm.BadInputException;

/**
 * Opens a pretrained checkpoint: a {@code model.safetensors}, {@code pytorch_model.bin} or
 * {@code model.onnx} file, or a folder holding one (in that order of preference; an ONNX export
 * also as {@code onnx/model.onnx}, HuggingFace's layout). The format is told by the file's first
 * bytes, except ONNX (protobuf has no magic), told by its {@code .onnx} name.
 */
public final class WeightsFile {
  public static final String SAFETENSORS = "model.safetensors";
  public static final String PYTORCH = "pytorch_model.bin";
  public static final String ONNX = "model.onnx";

  private WeightsFile() {}

  /** The weights file a path names: itself, or the folder's safetensors or PyTorch file. */
  public static Path resolve(Path path) throws BadInputException {
    if (Files.isDirectory(path)) {
      for (String name : new String[] {SAFETENSORS, PYTORCH, ONNX, "onnx/" + ONNX}) {
        if (Files.isRegularFile(path.resolve(name))) return path.resolve(name);
      }
      throw new BadInputException(path, "folder holds none of " + SAFETENSORS + ", " + PYTORCH + ", " + ONNX + ", onnx/" + ONNX);
    }
    if (!Files.isRegularFile(path)) throw new BadInputException(path, "no such weights file or folder");
    return path;
  }

  public static StateDict open(Path path) throws IOException {
    Path file = resolve(path);
    if (file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".onnx")) return OnnxReader.open(file);
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(8);
    }
    if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) return TorchZipReader.open(file);
    if (head.length >= 2 && (head[0] & 0xff) == 0x80 && head[1] >= 2 && head[1] <= 5) {
      throw new BadInputException(file, "is a legacy (pre-1.6, non-zip) PyTorch pickle, which cannot be read safely; convert it with Python: "
          + "torch.save(torch.load(f, weights_only=True), 'pytorch_model.bin') or save it as safetensors");
    }
    if (head.length >= 2 && head[0] == 0x1f && (head[1] & 0xff) == 0x8b) {
      throw new BadInputException(file, "is gzip-compressed; unpack it first");
    }
    return SafetensorsReader.open(file);
  }
}
