// Med-VLM batch segmentation: every CT in a folder (NIfTI files *.nii/*.nii.gz and DICOM series
// subfolders) into <case>_seg.nii.gz label files (BTCV organ ids) and one volumes.csv of organ
// volumes in mL. Cases whose label file exists are skipped, so a stopped run can be started again.
//
// Interactive: Plugins > Macros > Run... (or Plugins > Med-VLM > Med-VLM Batch Segment) asks for
// the folders. Batch, in Fiji or ImageJ 1.x:
//   ImageJ -batch Med-VLM_Batch_Segment.ijm "input=[/data/ct] output=[/data/seg] model=[/models/medvlm-small] organ=[All organs] device=Auto"
// model may be empty: the installed default model is used (see docs/fiji.md).
// shard=I/N (optional, for job arrays): only the cases at positions I, I+N, ... of the sorted list,
// volumes in volumes.shard-I-of-N.csv; join the tables with `medvlm merge-volumes OUTPUT` (docs/cluster.md).

args = getArgument();
input = call("ij.Macro.getValue", args, "input", "");
output = call("ij.Macro.getValue", args, "output", "");
model = call("ij.Macro.getValue", args, "model", "");
organ = call("ij.Macro.getValue", args, "organ", "All organs");
device = call("ij.Macro.getValue", args, "device", "Auto");
shard = call("ij.Macro.getValue", args, "shard", "");
shardIndex = 0;
shardCount = 1;
if (shard != "") {
  parts = split(shard, "/");
  if (parts.length == 2) {
    shardIndex = parseInt(parts[0]);
    shardCount = parseInt(parts[1]);
  }
  if (parts.length != 2 || isNaN(shardIndex) || isNaN(shardCount) || shardCount < 1 || shardIndex < 0 || shardIndex >= shardCount)
    exit("Med-VLM Batch Segment: shard must be I/N with 0 <= I < N, e.g. shard=0/4, not " + shard);
}
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
input = stripSlash(input);
output = stripSlash(output);
File.makeDirectory(output);
if (!File.isDirectory(output)) exit("Med-VLM Batch Segment: cannot create the output folder " + output);
setBatchMode(true);

list = Array.sort(getFileList(input));
position = -1;
cases = 0;
done = 0;
failed = 0;
csv = "image,organ_id,organ,volume_ml\n";
start = getTime();
for (i = 0; i < list.length; i++) {
  name = list[i];
  path = input + File.separator + name;
  id = "";
  if (endsWith(name, ".nii.gz")) id = substring(name, 0, lengthOf(name) - 7);
  else if (endsWith(name, ".nii")) id = substring(name, 0, lengthOf(name) - 4);
  else if (endsWith(name, "/")) { id = substring(name, 0, lengthOf(name) - 1); path = input + File.separator + id; }
  if (id == "") continue;
  position++;
  if (position % shardCount != shardIndex) continue;
  cases++;
  target = output + File.separator + id + "_seg.nii.gz";
  caseCsv = output + File.separator + id + "_volumes.csv";
  if (File.exists(target) && File.exists(caseCsv)) {
    print("Med-VLM Batch Segment: [" + cases + "] " + id + ": done already, skipped");
  } else {
    t0 = getTime();
    print("Med-VLM Batch Segment: [" + cases + "] " + id + " ...");
    run("Med-VLM Segment", "input=[" + path + "] organ=[" + organ + "] model=[" + model + "] device=" + device
        + " output=[" + target + "] csv=[" + caseCsv + "]");
    if (!File.exists(target)) {
      failed++;
      print("Med-VLM Batch Segment: [" + cases + "] " + id + ": FAILED (see the error above)");
      continue;
    }
    print("Med-VLM Batch Segment: [" + cases + "] " + id + ": " + d2s((getTime() - t0) / 1000, 1) + " s");
  }
  if (File.exists(caseCsv)) {
    rows = split(File.openAsString(caseCsv), "\n");
    for (r = 1; r < rows.length; r++) if (lengthOf(rows[r]) > 0) csv = csv + rows[r] + "\n";
  }
  done++;
}
table = "volumes.csv";
if (shard != "") table = "volumes.shard-" + shardIndex + "-of-" + shardCount + ".csv";
File.saveString(csv, output + File.separator + table);
print("Med-VLM Batch Segment: " + done + " of " + cases + " cases segmented into " + output + " (" + failed + " failed) in "
    + d2s((getTime() - start) / 1000, 0) + " s; volumes in " + output + File.separator + table);
setBatchMode(false);

function stripSlash(p) {
  while (endsWith(p, "/") || endsWith(p, "\\")) p = substring(p, 0, lengthOf(p) - 1);
  return p;
}
