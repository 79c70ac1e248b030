package org.medvlm.infer;

import java.nio.file.Path;
import java.util.List;
import org.medvlm.BadInputException;
import org.medvlm.data.Organ;

/**
 * One segmentation job, as the CLI, the Fiji commands and the batch macro describe it.
 *
 * @param model a checkpoint file or training folder
 * @param input a NIfTI file, a DICOM series folder, or a folder of cases (NIfTI files and DICOM
 *     series folders); null when the CT is given in memory ({@link SegmentJob#segment})
 * @param output a .nii/.nii.gz file, or a folder for a folder of cases; null: nothing written
 * @param organs the organs to keep; null: all the model knows
 * @param prompt a free-text description (Med-VLM; one binary mask, label 1) instead of organs, or null
 * @param binary one 0/1 mask per organ ({@code <output>_<organ>.nii.gz}) instead of one label map
 * @param device cpu, gpu, a GPU index or auto
 * @param batch slices per forward pass; halved when memory runs out
 * @param postprocess keep each organ's largest 3D component and fill its holes
 * @param shard for a folder: only this task's cases of a job array, or null
 * @param overwrite replace existing outputs (and segment finished cases of a folder again)
 * @param volumes a single input's organ volumes table (.csv or .json), or null; a folder always gets {@code volumes.csv}
 * @param acceptNonOrthonormal read NIfTI inputs whose direction matrix is sheared
 * @param names how a folder's cases name their label files and table rows
 */
public record SegmentRequest(Path model, Path input, Path output, List<Organ> organs, String prompt, boolean binary, String device, int batch,
    boolean postprocess, Shards.Shard shard, boolean overwrite, Path volumes, boolean acceptNonOrthonormal, CaseNames names) {

  /** A request whose folder cases are named by case id, as the CLI names them. */
  public SegmentRequest(Path model, Path input, Path output, List<Organ> organs, String prompt, boolean binary, String device, int batch,
      boolean postprocess, Shards.Shard shard, boolean overwrite, Path volumes, boolean acceptNonOrthonormal) {
    this(model, input, output, organs, prompt, binary, device, batch, postprocess, shard, overwrite, volumes, acceptNonOrthonormal, CaseNames.CASE_ID);
  }

  /** Slices per forward pass unless a front end asks for another number. */
  public static final int DEFAULT_BATCH = 8;

  /** The checks that need no file: fields that contradict each other or are out of range. */
  public void check() throws BadInputException {
    if (batch < 1) throw new BadInputException("{batch}", "must be at least 1");
    if (prompt != null && (binary || organs != null)) throw new BadInputException("{prompt}", "give {prompt} or {organs}/{binary}, not both");
    if (prompt != null && prompt.isBlank()) throw new BadInputException("{prompt}", "the prompt is empty");
    if (prompt != null && volumes != null) throw new BadInputException("{volumes}", "organ volumes are reported for organs, not for a free-text prompt");
    if (names == null) throw new IllegalArgumentException("names: null");
    if (model == null) throw new BadInputException("{model}", "no model checkpoint given");
  }

  /** The organs to segment with {@code seg}: those asked for, else all it knows. */
  List<Organ> organsOf(Segmenter seg) {
    return organs == null ? seg.organs() : organs;
  }
}
