package org.medvlm.cluster;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Slurm job scripts against a real Slurm: scripts/slurm/test-local.sh starts a one-node
 * cluster on this machine and runs a requeued training job and a segmentation array with a
 * cancelled, resubmitted task (see the script). Needs root and Debian's slurm-wlm and munge, so
 * it runs where MEDVLM_SLURM_TEST=1 is set (CI installs both and sets it) and is skipped
 * elsewhere. The jobs run this build's classes (MEDVLM_CMD), not a packaged jar.
 */
class SlurmScriptsTest {
  @TempDir Path tmp;

  @Test
  void arrayAndRequeueAgainstARealSlurm() throws Exception {
    assumeTrue("1".equals(System.getenv("MEDVLM_SLURM_TEST")), "set MEDVLM_SLURM_TEST=1 (root, slurm-wlm and munge installed) to run the Slurm test");
    String cp = System.getProperty("java.class.path");
    assertFalse(cp.contains(" "), "class path with spaces cannot be passed to the job scripts: " + cp);
    ProcessBuilder pb = new ProcessBuilder("bash", "scripts/slurm/test-local.sh", tmp.resolve("work").toString()).redirectErrorStream(true);
    pb.environment().put("MEDVLM_CMD", Path.of(System.getProperty("java.home"), "bin", "java") + " -Xmx2g -Dai.djl.offline=true -cp " + cp + " org.medvlm.cli.Main");
    Path log = tmp.resolve("slurm-test.log");
    Process p = pb.redirectOutput(log.toFile()).start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      fail("the Slurm test did not finish in 10 minutes:\n" + Files.readString(log));
    }
    String out = Files.readString(log);
    System.out.println(out.lines().filter(l -> l.startsWith("slurm-test")).reduce("", (a, b) -> a + b + "\n"));
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("slurm-test: PASS"), out);
  }
}
