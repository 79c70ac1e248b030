// Med-VLM batch segmentation: every CT in a folder (NIfTI files *.nii/*.nii.gz and DICOM series
// subfolders) into <name>_seg.nii.gz label files of BTCV organ ids (<name>: the file name without
// .nii/.nii.gz, or the DICOM folder's name) and one volumes.csv of organ volumes in mL
// (case,organ_id,organ,volume_ml: the table `medvlm segment` writes). Cases whose label file exists
// are skipped, so a stopped run can be started again; Esc stops it at the next batch of slices,
// leaving no half-written file.
//
// Interactive: Plugins > Macros > Run... (or Plugins > Med-VLM > Med-VLM Batch Segment) asks for
// the folders. Batch, in Fiji or ImageJ 1.x:
//   ImageJ -batch Med-VLM_Batch_Segment.ijm "input=[/data/ct] output=[/data/seg] model=[/models/medvlm-small] organ=[All organs] device=Auto"
// model may be empty: the installed default model is used (see docs/fiji.md).
// shard=I/N (optional, for job arrays): only the cases at positions I, I+N, ... of the sorted list,
// volumes in volumes.shard-I-of-N.csv; join the tables with `medvlm merge-volumes OUTPUT` (docs/cluster.md).
// The work is done by the same segmentation job as the command line (org.medvlm.fiji.BatchSegment).

args = getArgument();
input = call("ij.Macro.getValue", args, "input", "");
output = call("ij.Macro.getValue", args, "output", "");
model = call("ij.Macro.getValue", args, "model", "");
organ = call("ij.Macro.getValue", args, "organ", "All organs");
device = call("ij.Macro.getValue", args, "device", "Auto");
shard = call("ij.Macro.getValue", args, "shard", "");
if (input == "") input = getDirectory("Folder of CT volumes (NIfTI files or DICOM folders)");
if (output == "") output = getDirectory("Folder for the label files and volumes.csv");
if (model == "" && args == "") {
  Dialog.create("Med-VLM Batch Segment");
  Dialog.addFile("Model (checkpoint or training folder; empty: installed default)", "");
  Dialog.addChoice("Device", newArray("Auto", "CPU", "GPU"), device);
  Dialog.show();
  model = Dialog.getString();
  device = Dialog.getChoice();
}
start = getTime();
result = call("org.medvlm.fiji.BatchSegment.run", input, output, model, organ, device, shard);
if (startsWith(result, "error: ")) exit("Med-VLM Batch Segment: " + substring(result, 7));
print("Med-VLM Batch Segment: " + result + " (" + d2s((getTime() - start) / 1000, 0) + " s)");
