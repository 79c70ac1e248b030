package org.medvlm.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.medvlm.BadInputException;
import org.medvlm.device.Devices;
import org.medvlm.io.NpyFile;
import org.medvlm.io.VolumeIO;
import org.medvlm.model.vlm.BertEncoder;
import org.medvlm.model.vlm.VitEncoder;
import org.medvlm.preprocess.PreparedVolume;
import org.medvlm.preprocess.PreprocessConfig;
import org.medvlm.preprocess.Preprocessor;
import org.medvlm.text.TextTokenizer;
import org.medvlm.weights.PretrainedEncoders;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code medvlm embed}: features from a pretrained encoder as {@code .npy}. Image: the ViT's token
 * states after the final norm (N x tokens x dim, class token first) of CT slices prepared exactly
 * as for segmentation, or of a raw tensor; text: BERT's last hidden states (1 x tokens x hidden)
 * of a prompt or of raw token ids.
 */
@Command(name = "embed", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Write a pretrained encoder's embeddings as a float32 .npy file.",
        "  medvlm embed --image-weights DIR --input ct.nii.gz [--slice K] --out tokens.npy",
        "  medvlm embed --text-weights DIR --text \"the liver\" --out states.npy",
        "Raw inputs for parity checks: --tensor IN.npy (N x 3 x H x W, fed to the ViT as is) and --token-ids 101,2023,... (fed to BERT as is)."})
final class EmbedCommand implements Callable<Integer> {
  @ArgGroup(exclusive = true, multiplicity = "1")
  Encoder encoder;

  static final class Encoder {
    @Option(names = "--image-weights", paramLabel = "DIR|FILE", description = "A timm ViT checkpoint (model.safetensors or pytorch_model.bin, or its folder).")
    Path image;

    @Option(names = "--text-weights", paramLabel = "DIR|FILE", converter = EncoderPath.class,
        description = "A HuggingFace BERT folder (weights, config.json, tokenizer.json or vocab.txt), or builtin:all-MiniLM-L6-v2 (bundled).")
    Path text;
  }

  @Option(names = "--input", paramLabel = "CT", description = "Image: a CT volume (NIfTI or DICOM folder), preprocessed as for segmentation.")
  Path input;

  @Option(names = "--slice", paramLabel = "K", description = "Image: only prepared axial slice K (0 = most inferior after the body crop); default all slices.")
  Integer slice;

  @Option(names = "--size", defaultValue = "0", paramLabel = "PX", description = "Image: input size (default: the checkpoint's pretrained size; others resample the position embeddings).")
  int size;

  @Option(names = "--tensor", paramLabel = "IN.npy", description = "Image: a float32 N x 3 x H x W array fed to the ViT as is (no preprocessing, no normalisation).")
  Path tensor;

  @Option(names = "--text", paramLabel = "TEXT", description = "Text: a prompt, tokenized by the folder's tokenizer.")
  String text;

  @Option(names = "--token-ids", split = ",", paramLabel = "IDS", description = "Text: comma-separated token ids fed to BERT as is.")
  long[] tokenIds;

  @Option(names = "--out", required = true, paramLabel = "FILE.npy", description = "Output .npy file (float32).")
  Path out;

  @Option(names = "--overwrite", description = "Replace an existing output file.")
  boolean overwrite;

  @Option(names = "--lenient", description = "Load weights that do not fully fit, listing what was skipped.")
  boolean lenient;

  @Option(names = "--device", defaultValue = "auto", paramLabel = "D", description = "cpu, gpu or auto (default: ${DEFAULT-VALUE}).")
  String device;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    org.medvlm.io.RunOutputs.check(out, overwrite, java.util.Arrays.asList(encoder.image, encoder.text, input, tensor), ".npy");
    var err = spec.commandLine().getErr();
    Devices.noGradientsOnThisThread();
    try (NDManager m = NDManager.newBaseManager(Devices.parse(device))) {
      NpyFile.Array result = encoder.image != null ? image(m, err) : text(m, err);
      NpyFile.write(out, result);
      spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s: %s float32%n", out, Arrays.toString(result.shape()));
    }
    return Main.OK;
  }

  private NpyFile.Array image(NDManager m, java.io.PrintWriter err) throws Exception {
    if (text != null || tokenIds != null) throw new BadInputException("--text/--token-ids", "are text inputs; give --text-weights");
    if ((input == null) == (tensor == null)) throw new BadInputException("--input", "give a CT (--input) or a raw tensor (--tensor), one of them");
    int wanted = size;
    NpyFile.Array raw = null;
    if (tensor != null) {
      raw = NpyFile.read(tensor);
      long[] s = raw.shape();
      if (s.length != 4 || s[1] != 3 || s[2] != s[3]) throw new BadInputException(tensor, "has shape " + Arrays.toString(s) + "; the ViT takes N x 3 x S x S");
      if (wanted > 0 && wanted != s[2]) throw new BadInputException("--size", "differs from the tensor's " + s[2] + " px");
      wanted = (int) s[2];
    }
    var loaded = PretrainedEncoders.vit(encoder.image, wanted, m, lenient);
    err.println(loaded.report().summary());
    VitEncoder vit = loaded.encoder();
    int px = vit.config().imageSize();
    ParameterStore ps = new ParameterStore(m, false);
    if (raw != null) {
      NDArray out = vit.tokens(ps, m.create(raw.data(), new Shape(raw.shape())), false);
      return new NpyFile.Array(out.getShape().getShape(), out.toFloatArray());
    }
    PreparedVolume p = new Preprocessor(PreprocessConfig.defaults().withSize(px)).prepare(VolumeIO.readImage(input));
    List<Integer> slices = new ArrayList<>();
    if (slice != null) {
      if (slice < 0 || slice >= p.depth()) throw new BadInputException("--slice", slice + " is outside the " + p.depth() + " prepared slices (0 to " + (p.depth() - 1) + ")");
      slices.add(slice);
    } else {
      for (int z = 0; z < p.depth(); z++) slices.add(z);
    }
    List<float[]> parts = new ArrayList<>();
    long[] shape = null;
    for (int from = 0; from < slices.size(); from += 8) {
      try (NDManager step = m.newSubManager()) {
        List<Integer> batch = slices.subList(from, Math.min(slices.size(), from + 8));
        NDList images = new NDList();
        for (int z : batch) images.add(step.create(p.input(z), new Shape(1, 1, px, px)));
        NDArray tokens = vit.tokens(ps, VitEncoder.normalise(ai.djl.ndarray.NDArrays.concat(images, 0)), false);
        shape = tokens.getShape().getShape();
        parts.add(tokens.toFloatArray());
      }
    }
    float[] all = new float[parts.stream().mapToInt(a -> a.length).sum()];
    int at = 0;
    for (float[] a : parts) {
      System.arraycopy(a, 0, all, at, a.length);
      at += a.length;
    }
    return new NpyFile.Array(new long[] {slices.size(), shape[1], shape[2]}, all);
  }

  private NpyFile.Array text(NDManager m, java.io.PrintWriter err) throws Exception {
    if (input != null || tensor != null || slice != null) throw new BadInputException("--input/--tensor/--slice", "are image inputs; give --image-weights");
    if ((text == null) == (tokenIds == null)) throw new BadInputException("--text", "give a prompt (--text) or token ids (--token-ids), one of them");
    if (text != null && text.isBlank()) throw new BadInputException("--text", "the text is empty");
    var loaded = PretrainedEncoders.bert(encoder.text, m, lenient);
    err.println(loaded.report().summary());
    BertEncoder bert = loaded.encoder();
    long[] ids = tokenIds;
    int vocab = bert.config().vocabSize();
    if (ids == null) {
      try (TextTokenizer tok = TextTokenizer.besideWeights(encoder.text, bert.config().maxPositions())) {
        TextTokenizer.Encoded e = tok.encode(text);
        if (e.truncated()) err.println("warning: the text was truncated to " + bert.config().maxPositions() + " tokens");
        ids = e.ids();
      }
    }
    if (ids.length == 0 || ids.length > bert.config().maxPositions()) throw new BadInputException("--token-ids", ids.length + " tokens; the encoder takes 1 to " + bert.config().maxPositions());
    for (long id : ids) if (id < 0 || id >= vocab) throw new BadInputException("--token-ids", "id " + id + " is outside the vocabulary of " + vocab);
    NDArray idArray = m.create(ids, new Shape(1, ids.length));
    NDArray mask = m.ones(idArray.getShape(), ai.djl.ndarray.types.DataType.INT64);
    NDArray states = bert.encode(new ParameterStore(m, false), idArray, mask, false).states();
    return new NpyFile.Array(states.getShape().getShape(), states.toFloatArray());
  }
}
