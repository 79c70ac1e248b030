package org.medvlm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Locations of the real-CT fixtures: the repository's own copy in {@code src/test/resources/real-ct}
 * (TotalSegmentator test data, Apache-2.0, see its NOTICE), or {@code MEDVLM_REAL_CT} to test another copy.
 */
public final class TestData {
  private TestData() {}

  public static Path realCt() {
    String env = System.getenv("MEDVLM_REAL_CT");
    if (env != null && !env.isBlank()) return Paths.get(env).toAbsolutePath().normalize();
    Path own = Paths.get("src/test/resources/real-ct");
    if (Files.isDirectory(own)) return own.toAbsolutePath().normalize();
    throw new IllegalStateException("real CT fixtures not found: expected src/test/resources/real-ct in the repository (or set MEDVLM_REAL_CT)");
  }

  public static Path ctSmall() {
    return realCt().resolve("example_ct_sm.nii.gz");
  }

  public static Path ctLong() {
    return realCt().resolve("example_ct.nii.gz");
  }

  public static Path seg() {
    return realCt().resolve("example_seg.nii.gz");
  }

  public static Path totalSegMap() {
    return realCt().resolve("totalsegmentator-to-btcv.tsv");
  }
}
