package org.medvlm.io;

import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The case id of a volume file, used to pair images with labels and predictions with references:
 * the file name without {@code .nii}/{@code .nii.gz}, without a BTCV prefix ({@code img},
 * {@code label}) and without an nnU-Net channel suffix ({@code _0000}) or a prediction suffix
 * ({@code _seg}, {@code _pred}, {@code _label}). So {@code img0001.nii.gz}, {@code label0001.nii.gz}
 * and {@code 0001_seg.nii.gz} are all case {@code 0001}.
 */
public final class CaseId {
  private static final Pattern PREFIX = Pattern.compile("^(img|label|labels|image|seg|pred)(?=[0-9_-])", Pattern.CASE_INSENSITIVE);
  private static final Pattern SUFFIX = Pattern.compile("(_0000|[_-](seg|pred|prediction|label|labels|mask))$", Pattern.CASE_INSENSITIVE);

  private CaseId() {}

  public static boolean isNifti(Path file) {
    String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".nii") || n.endsWith(".nii.gz");
  }

  /** The file name without .nii or .nii.gz. */
  public static String stem(Path file) {
    String n = file.getFileName().toString();
    String lower = n.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".nii.gz")) return n.substring(0, n.length() - 7);
    if (lower.endsWith(".nii")) return n.substring(0, n.length() - 4);
    return n;
  }

  public static String of(Path file) {
    String s = stem(file);
    Matcher m = SUFFIX.matcher(s);
    if (m.find()) s = s.substring(0, m.start());
    Matcher p = PREFIX.matcher(s);
    if (p.find()) s = s.substring(p.end());
    s = s.replaceFirst("^[_-]", "");
    return s.isEmpty() ? stem(file) : s;
  }
}
