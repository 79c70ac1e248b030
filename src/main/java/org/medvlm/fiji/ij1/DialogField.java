package org.medvlm.fiji.ij1;

/**
 * The fields of the ImageJ 1.x dialogs: a label a person reads, whose first word is the macro key
 * (ImageJ 1.x takes the key from the label's first word, lower case, up to a colon: {@code
 * ij.Macro.trimKey}), so the keys of macros and of the SciJava commands stay as they are.
 */
enum DialogField {
  INPUT("Input CT (NIfTI file or DICOM folder; empty: the current image)"),
  ORGAN("Organ"),
  PROMPT("Prompt (for Free-text prompt: a description of the structure)"),
  MODEL("Model (checkpoint or training folder; empty: the installed default, else the starter model)"),
  DEVICE("Device"),
  OUTPUT("Output labels as NIfTI (optional)"),
  SPACING("Spacing x,y,z in mm (only for an image without calibration)"),
  VOLUMES("Volumes table of the organs"),
  CSV("CSV file of the organ volumes (optional)"),
  OVERLAY("Overlay the labels on the CT"),
  DATASET("Dataset folder (BTCV or MSD layout)"),
  LABELMAP("Labelmap: TSV of dataset ids to BTCV ids (optional)"),
  MOREDATA("Moredata: more dataset folders (optional; FOLDER or FOLDER=labelmap.tsv, separated by ;)"),
  VARIANT("Variant"),
  IMAGEWEIGHTS("Imageweights: timm ViT weights folder (optional)"),
  TEXTWEIGHTS("Textweights: BERT folder, builtin:all-MiniLM-L6-v2 or random (empty: built-in MiniLM for Small)"),
  EPOCHS("Epochs"),
  SIZE("Size of the input in px"),
  TRAIN_OUTPUT("output", "Output folder of the run"),
  RESUME("Resume from the output folder's last checkpoint"),
  PREDICTIONS("Predictions (NIfTI file or folder)"),
  REFERENCES("References (NIfTI file or folder, matched by case id)"),
  EVALUATE_LABELMAP("labelmap", "Labelmap of the references (optional TSV)"),
  LABELLED("Labelled organs of the references (optional, e.g. liver; default: those the label map names, else all)"),
  METRICS_OUTPUT("output", "Output CSV of the metrics"),
  MODE("Mode");

  private final String key;
  private final String label;

  DialogField(String label) {
    this(null, label);
  }

  DialogField(String key, String label) {
    this.key = key != null ? key : name().toLowerCase(java.util.Locale.ROOT);
    this.label = label;
  }

  /** The macro key. */
  String key() {
    return key;
  }

  /** What the dialog shows. */
  String label() {
    return label;
  }
}
