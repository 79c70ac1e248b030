package org.medvlm.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options of {@code segment}, as picocli reads them (checked by {@link org.medvlm.infer.SegmentRequest}). */
final class SegmentOptions {
  @Option(names = "--model", paramLabel = "CKPT",
      description = "Checkpoint file, a training folder (its best checkpoint), or builtin:starter-unet, the default: a starter U-Net trained on two real patients and phantoms (docs/models.md; not a clinical model).")
  String modelSpec;

  @Option(names = "--input", required = true, paramLabel = "IN", description = "NIfTI file, DICOM folder, or folder of cases.")
  Path input;

  @Option(names = "--out", required = true, paramLabel = "OUT", description = "Output .nii/.nii.gz, or a folder for folder input.")
  Path out;

  @Option(names = "--organs", defaultValue = "all", paramLabel = "LIST", description = "Organs to keep, e.g. spleen,liver (default: all the model knows).")
  String organs;

  @Option(names = "--prompt", paramLabel = "TEXT",
      description = "Med-VLM: segment what a free-text description names (one binary mask, label 1) instead of --organs.")
  String prompt;

  @Option(names = "--binary",
      description = "Write one 0/1 mask per organ (<out>_<organ>.nii.gz; Med-VLM decides each organ on its own) instead of one label map.")
  boolean binary;

  @Option(names = "--device", defaultValue = "auto", paramLabel = "D", description = "cpu, gpu, a GPU index or auto (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--batch", defaultValue = "8", paramLabel = "N", description = "Slices per forward pass (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--no-postprocess", description = "Skip keeping the largest 3D component per organ (tubes such as the aorta keep all) and filling holes.")
  boolean noPostprocess;

  @Option(names = "--volumes", paramLabel = "FILE", description = "Also write organ volumes in mL (.json or .csv) for a single input.")
  Path volumes;

  @Option(names = "--accept-nonorthonormal", description = "Read NIfTI inputs whose direction matrix is sheared.")
  boolean acceptNonOrthonormal;

  @Option(names = "--overwrite", description = "Replace existing outputs.")
  boolean overwrite;

  @Option(names = "--shard", paramLabel = "I/N",
      description = "Folder input: only the cases at positions I, I+N, ... of the sorted list (task I of N, 0-based, e.g. $SLURM_ARRAY_TASK_ID/N); "
          + "volumes go to volumes.shard-I-of-N.csv, joined by merge-volumes.")
  String shard;
}
