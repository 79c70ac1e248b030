package org.medvlm.fiji;

import ij.IJ;
import java.nio.file.Path;
import java.util.List;
import org.medvlm.data.Organ;
import org.medvlm.infer.CancelToken;
import org.medvlm.infer.CaseNames;
import org.medvlm.infer.SegmentJob;
import org.medvlm.infer.SegmentRequest;
import org.medvlm.infer.Shards;

/**
 * What {@code macros/Med-VLM_Batch_Segment.ijm} calls (ImageJ's {@code call()}, in Fiji and ImageJ
 * 1.x alike): the segmentation job of the CLI on a folder of cases, with the same label files,
 * skipping, shards and {@code volumes.csv}, progress in the status bar and Esc to cancel. Cases
 * are named by file name ({@code img0001_seg.nii.gz}), as the macro always named them.
 */
public final class BatchSegment {
  private BatchSegment() {}

  /**
   * @return a one-line summary, or a line starting with {@code error:} (the macro shows it and stops)
   */
  public static String run(String input, String output, String model, String organ, String device, String shard) {
    String[] result = new String[1];
    try {
      FijiRuns.run((line, unexpected) -> result[0] = "error: " + line, () -> result[0] = segment(input, output, model, organ, device, shard));
    } finally {
      IJ.showProgress(1.0);
    }
    return result[0];
  }

  private static String segment(String input, String output, String model, String organ, String device, String shard) throws Exception {
    if (input == null || input.isBlank()) throw new org.medvlm.BadInputException("{input}", "no input folder given");
    if (output == null || output.isBlank()) throw new org.medvlm.BadInputException("{output}", "no output folder given");
    Path in = Path.of(input.trim());
    if (!SegmentJob.isFolder(in)) throw new org.medvlm.BadInputException(in, "is not a folder of cases (NIfTI files and DICOM series folders)");
    List<Organ> organs = organ == null || organ.isBlank() || organ.equals(SegmentAction.ALL) ? null : List.of(Organ.parse(organ));
    SegmentRequest r = new SegmentRequest(ModelLocator.resolve(model == null || model.isBlank() ? null : Path.of(model.trim()), "medvlm"), in,
        Path.of(output.trim()), organs, null, false, device == null || device.isBlank() ? "auto" : device.trim().toLowerCase(java.util.Locale.ROOT),
        SegmentRequest.DEFAULT_BATCH, true, shard == null || shard.isBlank() ? null : Shards.parse(shard), false, null, false,
        CaseNames.FILE_NAME);
    CancelToken cancel = new CancelToken();
    SegmentJob.Outcome o = SegmentJob.run(r, FijiProgress.imageJ1("Med-VLM Batch Segment", cancel), cancel);
    String summary = o.done() + " of " + o.cases() + " cases segmented into " + r.output() + " (" + o.failed().size() + " failed); volumes in " + o.volumesTable();
    return o.failed().isEmpty() ? summary : "error: " + summary + ": " + String.join(", ", o.failed());
  }
}
