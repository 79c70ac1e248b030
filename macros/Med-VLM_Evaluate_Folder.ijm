// Med-VLM evaluation: a folder of predicted label files against a folder of references, matched
// by case id (img0001 / label0001 / 0001_seg all match case 0001), into one CSV of Dice, IoU,
// HD95, ASSD and surface Dice per case and organ; the means go to the Log window.
//
// Interactive: asks for the folders. Batch, in Fiji or ImageJ 1.x:
//   ImageJ -batch Med-VLM_Evaluate_Folder.ijm "predictions=[/data/seg] references=[/data/labelsTr] output=[/data/metrics.csv]"
// Optional: labelmap=[map.tsv] when the references use other ids than BTCV's.

args = getArgument();
predictions = call("ij.Macro.getValue", args, "predictions", "");
references = call("ij.Macro.getValue", args, "references", "");
output = call("ij.Macro.getValue", args, "output", "");
labelmap = call("ij.Macro.getValue", args, "labelmap", "");
if (predictions == "") predictions = getDirectory("Folder of predicted label files");
if (references == "") references = getDirectory("Folder of reference label files");
if (output == "") output = File.openDialog("Metrics CSV to write (an existing file is replaced)");
print("Med-VLM Evaluate Folder: " + predictions + " against " + references);
run("Med-VLM Evaluate", "predictions=[" + predictions + "] references=[" + references + "] labelmap=[" + labelmap + "] output=[" + output + "]");
if (File.exists(output)) print("Med-VLM Evaluate Folder: metrics in " + output);
else print("Med-VLM Evaluate Folder: FAILED (see the error above)");
