package org.medvlm.cli;

import java.util.Locale;
import java.util.concurrent.Callable;
import org.medvlm.BadInputException;
import org.medvlm.data.Organ;
import org.medvlm.model.UNet;
import org.medvlm.model.UNetConfig;
import org.medvlm.model.vlm.MedVlm;
import org.medvlm.model.vlm.MedVlmConfig;
import org.medvlm.model.vlm.ParameterCount;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "model-info", mixinStandardHelpOptions = true,
    description = {"Print a model's trainable, frozen and total parameters (from its layer shapes; nothing is allocated).",
        "Med-VLM variants are counted with their pretrained encoders' vocabularies (BioBERT 28,996, MiniLM 30,522 tokens);",
        "medvlm-tiny with the vocabulary built from the bundled prompts."})
final class ModelInfoCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "NAME", description = "unet, medvlm-small, medvlm-large or medvlm-tiny.")
  String model;

  @Option(names = "--size", defaultValue = "224", paramLabel = "PX", description = "Input size (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(names = "--train-encoders", description = "Med-VLM: count the encoders as trainable (full fine-tuning).")
  boolean trainEncoders;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    ParameterCount c;
    String detail;
    if (model.equals("unet")) {
      UNetConfig cfg = UNetConfig.standard(1, Organ.MAX_ID + 1);
      UNet net = new UNet(cfg);
      try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) { // DJL's convolutions take their shapes from an input
        net.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new ai.djl.ndarray.types.Shape(1, 1, size, size));
        c = ParameterCount.of(net);
      }
      detail = "2D U-Net, width " + cfg.width() + ", depth " + cfg.depth() + ", 14 classes";
    } else {
      MedVlmConfig cfg;
      try {
        int vocab = MedVlmConfig.pretrainedVocabSize(model);
        if (vocab == 0) vocab = org.medvlm.text.PromptVocabulary.build(org.medvlm.data.PromptLibrary.builtIn(), true).size();
        cfg = MedVlmConfig.named(model, size, vocab, 1);
      } catch (IllegalArgumentException e) {
        throw new BadInputException("--model", e.getMessage() + "; or unet");
      }
      MedVlm m = new MedVlm(cfg);
      m.freezeEncoders(trainEncoders);
      c = ParameterCount.of(m);
      detail = String.format(Locale.ROOT, "ViT dim %d depth %d heads %d at %d px; BERT hidden %d layers %d vocab %d; LoRA rank %d; mixer depth %d; decoder width %d",
          cfg.vit().dim(), cfg.vit().depth(), cfg.vit().heads(), cfg.vit().imageSize(), cfg.bert().hidden(), cfg.bert().layers(), cfg.bert().vocabSize(),
          cfg.lora().rank(), cfg.mixerDepth(), cfg.decoder().dim());
    }
    var out = spec.commandLine().getOut();
    out.println(model + ": " + detail);
    out.printf(Locale.ROOT, "trainable %,15d  (%.1f M)%n", c.trainable(), c.trainable() / 1e6);
    out.printf(Locale.ROOT, "frozen    %,15d  (%.1f M)%n", c.frozen(), c.frozen() / 1e6);
    out.printf(Locale.ROOT, "total     %,15d  (%.1f M)%n", c.total(), c.total() / 1e6);
    return Main.OK;
  }
}
