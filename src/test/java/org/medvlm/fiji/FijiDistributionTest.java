package org.medvlm.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The Fiji distribution's PyTorch natives, as Maven lays them out before the tests
 * ({@code target/fiji/jars/}, pom.xml executions fiji-jars and fiji-platform-natives): one folder
 * per desktop platform under the ImageJ updater's platform names, each with the CPU natives of its
 * own classifier holding every library its {@code pytorch.properties} lists, and none in
 * {@code jars/} itself, so that a class loader over {@code jars/} and one platform folder sees
 * exactly one {@code pytorch.properties}: its own. (Loading them is tested on Linux by
 * {@link ImageJ1PluginsFolderTest}; Windows and macOS natives cannot be loaded here.)
 */
class FijiDistributionTest {
  static final Path JARS = Path.of("target/fiji/jars");
  /** ImageJ updater platform name to DJL's classifier and the file name of its main library. */
  private static final Map<String, String[]> PLATFORMS = Map.of("linux64", new String[] {"linux-x86_64", "libtorch_cpu.so"}, "win64",
      new String[] {"win-x86_64", "torch_cpu.dll"}, "macos-arm64", new String[] {"osx-aarch64", "libtorch_cpu.dylib"});

  private static List<Path> jarsIn(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
    }
  }

  @Test
  void eachPlatformFolderHoldsItsOwnNativesAndJarsHoldsNone() throws Exception {
    assertTrue(Files.isDirectory(JARS), JARS + " is laid out by Maven (process-classes) before the tests: run them with mvn");
    for (Path jar : jarsIn(JARS)) {
      assertTrue(!jar.getFileName().toString().startsWith("pytorch-native-"), "natives belong in a platform folder, not in jars/: " + jar);
    }
    for (var e : PLATFORMS.entrySet()) {
      String classifier = e.getValue()[0];
      List<Path> natives = jarsIn(JARS.resolve(e.getKey()));
      List<Path> cpu = natives.stream().filter(p -> p.getFileName().toString().startsWith("pytorch-native-cpu-")).toList();
      assertEquals(1, cpu.size(), e.getKey() + ": " + natives);
      for (Path n : natives) {
        assertTrue(n.getFileName().toString().endsWith("-" + classifier + ".jar"), e.getKey() + " holds another platform's natives: " + n);
        try (ZipFile zip = new ZipFile(n.toFile())) {
          Properties p = new Properties();
          try (InputStream in = zip.getInputStream(zip.getEntry("native/lib/pytorch.properties"))) {
            p.load(in);
          }
          assertEquals(classifier, p.getProperty("classifier"), n.toString());
          String dir = "pytorch/" + p.getProperty("flavor") + "/" + classifier + "/";
          for (String lib : p.getProperty("libraries").split(",")) assertTrue(zip.getEntry(dir + lib) != null, n + " lacks " + dir + lib);
          if (p.getProperty("flavor").equals("cpu")) assertTrue(zip.getEntry(dir + e.getValue()[1]) != null, n + " lacks " + e.getValue()[1]);
        }
      }
      // what one installation's class loader sees: jars/ and its own platform folder
      List<URL> urls = new ArrayList<>();
      for (Path j : jarsIn(JARS)) urls.add(j.toUri().toURL());
      for (Path j : natives) urls.add(j.toUri().toURL());
      try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
        List<URL> props = Collections.list(loader.getResources("native/lib/pytorch.properties"));
        assertEquals(natives.size(), props.size(), e.getKey() + ": " + props);
        for (URL u : props) assertTrue(u.toString().contains("/" + e.getKey() + "/"), e.getKey() + " sees " + u);
        // and DJL's engine classes are there for it
        assertEquals("ai.djl.pytorch.engine.PtEngineProvider", loader.loadClass("ai.djl.pytorch.engine.PtEngineProvider").getName());
      }
    }
  }
}
