package org.medvlm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Locations of the shared real-CT fixtures (the repository sits beside {@code shared/}). */
public final class TestData {
  private TestData() {}

  public static Path realCt() {
    for (Path p : new Path[] {Paths.get("../shared/data/real-ct"), Paths.get("shared/data/real-ct")}) {
      if (Files.isDirectory(p)) return p.toAbsolutePath().normalize();
    }
    String env = System.getenv("MEDVLM_REAL_CT");
    if (env != null) return Paths.get(env);
    throw new IllegalStateException("real CT fixtures not found: expected ../shared/data/real-ct (or set MEDVLM_REAL_CT)");
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
