package org.medvlm.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.medvlm.model.vlm.MedVlmConfig;
import org.medvlm.weights.BertCheckpoint;
import org.medvlm.weights.EncoderCheckpoint;
import org.medvlm.weights.StoredTensor;
import org.medvlm.weights.VitCheckpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code medvlm weights check PATH}: what a pretrained checkpoint holds and whether it loads strictly. */
@Command(name = "weights", mixinStandardHelpOptions = true, description = "Inspect pretrained encoder checkpoints.",
    subcommands = {WeightsCommand.Check.class})
final class WeightsCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (medvlm weights check PATH)");
  }

  @Command(name = "check", mixinStandardHelpOptions = true,
      description = {"Read a timm ViT or HuggingFace BERT checkpoint (model.safetensors, pytorch_model.bin, or their folder) without running anything",
          "in it; print its architecture, parameter count and dtypes, which Med-VLM variant it fits, and a clean bill or every problem.",
          "Exit 0 when it loads strictly, 2 otherwise."})
  static final class Check implements Callable<Integer> {
    @Parameters(paramLabel = "PATH", converter = EncoderPath.class,
        description = "A weights file (safetensors, pytorch_model.bin, model.onnx) or a folder holding one (with config.json, tokenizer.json or vocab.txt beside it), or builtin:all-MiniLM-L6-v2.")
    Path path;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      var out = spec.commandLine().getOut();
      try (EncoderCheckpoint ck = EncoderCheckpoint.open(path)) {
        out.printf(Locale.ROOT, "file:         %s (%s, %d tensors, %s)%n", ck.file(), ck.weights().format(), ck.weights().names().size(), ck.dtypes());
        out.println("architecture: " + ck.describe());
        out.printf(Locale.ROOT, "parameters:   %,d (%.2f M) for the encoder%s%n", ck.parameterCount(), ck.parameterCount() / 1e6,
            ck.ignored().isEmpty() ? "" : "; ignored by design: " + abbreviate(ck.ignored()));
        out.println("fits:         " + fits(ck));
        List<String> problems = new ArrayList<>(ck.problems(ck.newEncoder()));
        problems.addAll(nonFinite(ck));
        if (problems.isEmpty()) {
          out.println("result:       OK, loads strictly; all values finite");
          return Main.OK;
        }
        out.println("result:       " + problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + " (a strict load fails; --lenient skips them):");
        for (String p : problems) out.println("  - " + p);
        return Main.BAD_INPUT;
      }
    }

    private static String fits(EncoderCheckpoint ck) {
      List<String> fit = new ArrayList<>();
      for (String variant : MedVlmConfig.VARIANTS) {
        MedVlmConfig c = MedVlmConfig.named(variant, 224, 8, 1);
        try {
          if (ck instanceof VitCheckpoint v) v.checkFits(variant, c.vit());
          else if (ck instanceof BertCheckpoint b) b.checkFits(variant, c.bert());
          fit.add(variant);
        } catch (org.medvlm.BadInputException e) {
          // does not fit this variant
        }
      }
      String role = ck instanceof VitCheckpoint ? "image" : "text";
      return fit.isEmpty() ? "no Med-VLM variant" : String.join(", ", fit) + " (as the " + role + " encoder, --" + role + "-weights)";
    }

    private static List<String> nonFinite(EncoderCheckpoint ck) throws java.io.IOException {
      List<String> bad = new ArrayList<>();
      for (StoredTensor t : ck.weights().tensors().values()) {
        if (!t.dtype().isFloat()) continue;
        long count = 0;
        for (float v : t.toFloats(ck.file().toString())) if (!Float.isFinite(v)) count++;
        if (count > 0) bad.add("tensor " + t.name() + " holds " + count + " NaN or infinite values");
      }
      return bad;
    }

    private static String abbreviate(List<String> items) {
      return items.size() <= 4 ? String.join(", ", items) : String.join(", ", items.subList(0, 4)) + " and " + (items.size() - 4) + " more";
    }
  }
}
