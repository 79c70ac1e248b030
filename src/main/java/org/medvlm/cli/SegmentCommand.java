package org.medvlm.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.medvlm.data.Organ;
import org.medvlm.infer.CancelToken;
import org.medvlm.infer.SegmentJob;
import org.medvlm.infer.SegmentRequest;
import org.medvlm.infer.Shards;
import org.medvlm.infer.StarterModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "segment", mixinStandardHelpOptions = true,
    description = {"Segment CT volumes with a trained model; labels (BTCV ids) on exactly the input's grid.",
        "--input: a NIfTI file, a DICOM series folder, or a folder of NIfTI files and DICOM series folders.",
        "For a folder, --out is a folder: <case>_seg.nii.gz per case and volumes.csv; finished cases are skipped.",
        "--shard I/N splits a folder over the N tasks of a job array (scripts/slurm/, docs/cluster.md)."})
final class SegmentCommand implements Callable<Integer> {
  @Mixin SegmentOptions o;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Path model = StarterModel.resolve(o.modelSpec == null || o.modelSpec.isBlank() ? StarterModel.NAME : o.modelSpec);
    boolean all = o.organs.trim().equalsIgnoreCase("all");
    Shards.Shard part = o.shard == null ? null : Shards.parse(o.shard);
    SegmentRequest r = new SegmentRequest(model, o.input, o.out, all ? null : Organ.parseList(o.organs), o.prompt, o.binary, o.device, o.batch,
        !o.noPostprocess, part, o.overwrite, o.volumes, o.acceptNonOrthonormal);
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    SegmentProgress progress = new SegmentProgress(err, SegmentProgress.starterName(o.modelSpec));
    SegmentJob.Outcome done = SegmentJob.run(r, progress, new CancelToken());
    if (SegmentJob.isFolder(o.input)) {
      out.printf(java.util.Locale.ROOT, "segmented %d of %d cases into %s%n", done.done(), done.cases(), o.out);
      if (done.failed().isEmpty()) return Main.OK;
      err.println("medvlm: error: " + o.input + ": " + done.failed().size() + " case(s) failed: " + String.join(", ", done.failed()));
      return Main.BAD_INPUT;
    }
    out.println(o.binary ? "wrote one mask per organ beside " + o.out + " (" + SegmentJob.binaryTarget(o.out, done.organs().get(0)).getFileName()
        + ", ...)" : "wrote " + o.out);
    err.println(progress.times());
    return Main.OK;
  }
}
