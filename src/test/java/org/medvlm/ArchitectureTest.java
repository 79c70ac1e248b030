package org.medvlm;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The packages as floors (docs/architecture.md): a package may use the packages of the floors
 * below its own, never one of its own floor or above. So prediction ({@code infer}) cannot import
 * training, and {@code io} cannot import {@code data}.
 */
class ArchitectureTest {
  /** Floor by floor, bottom first; {@code ""} is the root package (BadInputException, ErrorText). */
  static final List<List<String>> FLOORS = List.of(
      List.of("", "volume"),
      List.of("io", "preprocess", "model", "device"),
      List.of("data", "weights"),
      List.of("metrics", "text", "checkpoint"),
      List.of("infer"),
      List.of("train"),
      List.of("experiment", "bench"),
      List.of("cli", "fiji"));

  private static final JavaClasses MAIN = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("org.medvlm");

  /** One rule per package: no class of it depends on a package of its floor or above (sub-packages belong to their package). */
  static ArchRule floors() {
    Map<String, Integer> floorOf = new LinkedHashMap<>();
    for (int f = 0; f < FLOORS.size(); f++) for (String p : FLOORS.get(f)) floorOf.put(p, f);
    List<ArchRule> rules = new ArrayList<>();
    for (var e : floorOf.entrySet()) {
      List<String> notBelow = new ArrayList<>();
      for (var other : floorOf.entrySet()) {
        if (!other.getKey().equals(e.getKey()) && other.getValue() >= e.getValue()) notBelow.add(pattern(other.getKey()));
      }
      var that = e.getKey().isEmpty() ? noClasses().that().resideInAPackage("org.medvlm") : noClasses().that().resideInAPackage(pattern(e.getKey()));
      rules.add(that.should().dependOnClassesThat().resideInAnyPackage(notBelow.toArray(String[]::new))
          .because("'" + (e.getKey().isEmpty() ? "org.medvlm" : e.getKey()) + "' is on floor " + e.getValue() + " and may only use the floors below it")
          .allowEmptyShould(true));
    }
    CompositeArchRule all = CompositeArchRule.of(rules.get(0));
    for (ArchRule r : rules.subList(1, rules.size())) all = all.and(r);
    return all;
  }

  private static String pattern(String pkg) {
    return pkg.isEmpty() ? "org.medvlm" : "org.medvlm." + pkg + "..";
  }

  @Test
  void everyPackageOnlyUsesTheFloorsBelow() {
    floors().check(MAIN);
  }

  @Test
  void everyPackageHasAFloor() {
    for (var c : MAIN) {
      String pkg = c.getPackageName().equals("org.medvlm") ? "" : c.getPackageName().substring("org.medvlm.".length()).split("\\.")[0];
      assertTrue(FLOORS.stream().anyMatch(f -> f.contains(pkg)), c.getName() + " is in a package without a floor: add it to FLOORS and docs/architecture.md");
    }
  }

  /** The rule is not vacuous: a class of infer that imports training, as Segmenter once did, breaks it. */
  @Test
  void anUpwardImportBreaksTheRule() {
    JavaClasses withUpward = new ClassFileImporter().importClasses(org.medvlm.infer.UpwardImportFixture.class, org.medvlm.train.Trainer.class);
    AssertionError e = assertThrows(AssertionError.class, () -> floors().check(withUpward));
    assertTrue(e.getMessage().contains("UpwardImportFixture") && e.getMessage().contains("org.medvlm.train.Trainer"), e.getMessage());
  }
}
