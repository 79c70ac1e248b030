package org.medvlm.data;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medvlm.io.CaseId;
import org.medvlm.BadInputException;
import org.medvlm.TestData;

class DataTest {
  @TempDir Path tmp;

  @Test
  void organsParseByIdNameKeyAndSynonym() throws Exception {
    assertEquals(Organ.SPLEEN, Organ.parse("1"));
    assertEquals(Organ.RIGHT_KIDNEY, Organ.parse("Right Kidney"));
    assertEquals(Organ.RIGHT_KIDNEY, Organ.parse("kidney_right"));
    assertEquals(Organ.INFERIOR_VENA_CAVA, Organ.parse("IVC"));
    assertEquals(Organ.LEFT_ADRENAL_GLAND, Organ.parse("left_adrenal_gland"));
    assertEquals(13, Organ.parseList("all").size());
    assertEquals(List.of(Organ.SPLEEN, Organ.LIVER), Organ.parseList("spleen, liver,spleen"));
    BadInputException e = assertThrows(BadInputException.class, () -> Organ.parseList("spleen,heart"));
    assertEquals("{organs}: unknown organ 'heart' (known: " + Organ.knownNames() + ")", e.getMessage());
    e = assertThrows(BadInputException.class, () -> Organ.parse("splen"));
    assertTrue(e.getMessage().contains("did you mean 'spleen'?"), e.getMessage());
    e = assertThrows(BadInputException.class, () -> Organ.parse("pancrease"));
    assertTrue(e.getMessage().contains("'pancreas'"), e.getMessage());
    for (Organ o : Organ.values()) assertEquals(o.id(), o.ordinal() + 1);
  }

  @Test
  void builtInPromptsCoverEveryOrganSeveralTimes() throws Exception {
    PromptLibrary p = PromptLibrary.builtIn().requireAllOrgans("built-in");
    for (Organ o : Organ.values()) {
      assertTrue(p.prompts(o).size() >= 3, o + " has " + p.prompts(o).size());
      assertEquals(p.sample(o, 42), p.sample(o, 42));
    }
    assertTrue(p.canonical(Organ.SPLEEN).contains("left upper quadrant"));
  }

  @Test
  void userPromptsAreAddedAndCheckedAgainstTheirId() throws Exception {
    Path f = tmp.resolve("mine.tsv");
    Files.writeString(f, "organ_id\torgan\tprompt\n# mine\n6\tliver\tThe big organ under the right ribs, above the right kidney.\n");
    PromptLibrary all = PromptLibrary.builtIn().plus(PromptLibrary.read(f));
    assertTrue(all.prompts(Organ.LIVER).contains("The big organ under the right ribs, above the right kidney."));
    Files.writeString(f, "organ_id\torgan\tprompt\n6\tspleen\tThe big organ under the right ribs, above the right kidney.\n");
    BadInputException e = assertThrows(BadInputException.class, () -> PromptLibrary.read(f));
    assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("does not match"), e.getMessage());
  }

  @Test
  void totalSegmentatorMap() throws Exception {
    LabelMap m = LabelMap.read(TestData.totalSegMap());
    assertEquals(6, m.map(5));
    assertEquals(5, m.map(15));
    assertEquals(8, m.map(52));
    assertEquals(0, m.map(10), "lung is background");
    assertEquals(13, m.entries().size());
  }

  @Test
  void labelMapErrors() throws Exception {
    Path f = tmp.resolve("m.tsv");
    Files.writeString(f, "btcv_id\tamos_id\n1\t1\n14\t2\n");
    assertTrue(assertThrows(BadInputException.class, () -> LabelMap.read(f)).getMessage().contains("btcv_id 14"));
    Files.writeString(f, "btcv_id\tname\n1\tx\n");
    assertTrue(assertThrows(BadInputException.class, () -> LabelMap.read(f)).getMessage().contains("no source id column"));
    Files.writeString(f, "btcv_id\tamos_id\n1\t1\n2\t1\n");
    assertTrue(assertThrows(BadInputException.class, () -> LabelMap.read(f)).getMessage().contains("mapped twice"));
  }

  @Test
  void caseIds() {
    assertEquals("0001", CaseId.of(Path.of("img0001.nii.gz")));
    assertEquals("0001", CaseId.of(Path.of("label0001.nii.gz")));
    assertEquals("0001", CaseId.of(Path.of("0001_seg.nii")));
    assertEquals("spleen_10", CaseId.of(Path.of("spleen_10.nii.gz")));
    assertEquals("spleen_10", CaseId.of(Path.of("spleen_10_0000.nii.gz")));
    assertEquals("example_ct_sm", CaseId.of(Path.of("example_ct_sm.nii.gz")));
  }

  @Test
  void splitIsByCaseDeterministicAndDefaultsTo24Of6() throws Exception {
    List<Dataset.Case> cases = new java.util.ArrayList<>();
    for (int i = 1; i <= 30; i++) cases.add(new Dataset.Case(String.format("%04d", i), Path.of("i" + i), Path.of("l" + i)));
    Split s = Split.of(cases, null, 1);
    assertEquals(24, s.train().size());
    assertEquals(6, s.validation().size());
    assertEquals(s, Split.of(cases, "24/6", 1));
    List<Dataset.Case> reversed = new java.util.ArrayList<>(cases);
    java.util.Collections.reverse(reversed);
    assertEquals(s, Split.of(reversed, null, 1), "order of discovery does not matter");
    assertNotEquals(s.validation(), Split.of(cases, null, 2).validation());
    for (Dataset.Case c : s.validation()) assertFalse(s.train().contains(c));
    Path f = tmp.resolve("val.txt");
    Files.writeString(f, "0003\n0007\n");
    Split fromFile = Split.of(cases, f.toString(), 0);
    assertEquals(List.of("0003", "0007"), fromFile.validation().stream().map(Dataset.Case::id).toList());
    assertThrows(BadInputException.class, () -> Split.of(cases, "25/6", 1));
    Files.writeString(f, "0099\n");
    assertThrows(BadInputException.class, () -> Split.of(cases, f.toString(), 1));
  }

  @Test
  void crossValidationFoldsPartitionTheCases() throws Exception {
    List<Dataset.Case> cases = new java.util.ArrayList<>();
    for (int i = 1; i <= 32; i++) cases.add(new Dataset.Case(String.format("%04d", i), Path.of("i" + i), Path.of("l" + i)));
    java.util.Set<Dataset.Case> seen = new java.util.HashSet<>();
    for (int k = 0; k < 5; k++) {
      Split s = Split.of(cases, "fold:" + k + "/5", 7);
      assertEquals(k < 2 ? 7 : 6, s.validation().size(), "32 cases in 5 folds: 7, 7, 6, 6, 6");
      assertEquals(32, s.train().size() + s.validation().size());
      for (Dataset.Case c : s.validation()) {
        assertFalse(s.train().contains(c));
        assertTrue(seen.add(c), c.id() + " validates in one fold only");
      }
      assertEquals(s, Split.of(cases, "fold: " + k + " / 5", 7), "deterministic");
    }
    assertEquals(32, seen.size(), "every case validates once");
    var e = assertThrows(BadInputException.class, () -> Split.of(cases, "fold:5/5", 1));
    assertTrue(e.getMessage().contains("numbered 0 to 4"), e.getMessage());
    assertThrows(BadInputException.class, () -> Split.of(cases, "fold:0/1", 1));
    assertThrows(BadInputException.class, () -> Split.of(cases, "fold:a/5", 1));
  }

  @Test
  void msdLayoutWithDatasetJsonAndLabelGridCheck() throws Exception {
    Path root = tmp.resolve("Task09_Spleen");
    Files.createDirectories(root.resolve("imagesTr"));
    Files.createDirectories(root.resolve("labelsTr"));
    Files.copy(TestData.ctSmall(), root.resolve("imagesTr/ab_1.nii.gz"));
    // the TotalSegmentator reference with only its spleen (1) and liver (5) kept
    org.medvlm.volume.Volume<net.imglib2.type.numeric.integer.IntType> ts = org.medvlm.io.NiftiReader.readLabels(TestData.seg());
    int[] v = org.medvlm.volume.Volume.ints(ts).clone();
    for (int i = 0; i < v.length; i++) if (v[i] != 1 && v[i] != 5) v[i] = 0;
    org.medvlm.io.NiftiWriter.write(org.medvlm.volume.Volume.ofLabels(v, ts.dims(), ts.geometry()), root.resolve("labelsTr/ab_1.nii.gz"),
        org.medvlm.io.NiftiDatatype.UINT8, true);
    // a name that is no BTCV organ is refused, not silently dropped from training
    Files.writeString(root.resolve("dataset.json"), "{\"labels\": {\"0\": \"background\", \"1\": \"spleen\", \"5\": \"liver\", \"10\": \"lung_upper_lobe_left\"}}");
    BadInputException e = assertThrows(BadInputException.class, () -> Dataset.open(root, null));
    assertTrue(e.getMessage().startsWith(root.resolve("dataset.json") + ": label 10 'lung_upper_lobe_left' is not a BTCV organ"), e.getMessage());
    Files.writeString(root.resolve("dataset.json"), "{\"labels\": {\"background\": 0, \"spleeen\": 1}}");
    e = assertThrows(BadInputException.class, () -> Dataset.open(root, null));
    assertTrue(e.getMessage().contains("'spleeen' is not a BTCV organ (did you mean spleen?)"), e.getMessage());
    // nnU-Net v2 style; the organs it names are the ones labelled
    Files.writeString(root.resolve("dataset.json"), "{\"labels\": {\"background\": 0, \"spleen\": 1, \"liver\": 5}}");
    Dataset d = Dataset.open(root, null);
    assertEquals(Dataset.Layout.MSD, d.layout());
    assertEquals("spleen,liver", d.cases().get(0).labelled().toString());
    Dataset.Loaded c = d.load(d.cases().get(0));
    int[] l = org.medvlm.volume.Volume.ints(c.labels());
    long liver = java.util.Arrays.stream(l).filter(x -> x == 6).count();
    long spleen = java.util.Arrays.stream(l).filter(x -> x == 1).count();
    assertEquals(38634, liver);
    assertEquals(9452, spleen);
    assertEquals(0, java.util.Arrays.stream(l).filter(x -> x != 0 && x != 1 && x != 6).count());
    // a value the file does not list
    Files.writeString(root.resolve("dataset.json"), "{\"labels\": {\"0\": \"background\", \"1\": \"spleen\"}}");
    Dataset spleenOnly = Dataset.open(root, null);
    e = assertThrows(BadInputException.class, () -> spleenOnly.load(spleenOnly.cases().get(0)));
    assertTrue(e.getMessage().startsWith(root.resolve("labelsTr/ab_1.nii.gz") + ": label value 5 is not listed in"), e.getMessage());
    // a label on another grid
    Files.copy(TestData.ctLong(), root.resolve("labelsTr/ab_1.nii.gz"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    e = assertThrows(BadInputException.class, () -> d.load(d.cases().get(0)));
    assertTrue(e.getMessage().contains("differs from its image"), e.getMessage());
  }

  @Test
  void labelsStoredInAnotherAxisOrderAreReorderedOntoTheirImageExactly() throws Exception {
    Path root = tmp.resolve("turned");
    PhantomGenerator.writeDataset(root, 1, 4, 48, false, x -> {});
    Path label = root.resolve("label/label0001.nii.gz");
    org.medvlm.volume.Volume<net.imglib2.type.numeric.integer.IntType> l = org.medvlm.io.NiftiReader.readLabels(label);
    String code = l.geometry().orientationCode();
    String other = (code.charAt(0) == 'R' ? "L" : "R") + (code.charAt(1) == 'A' ? "P" : "A") + code.charAt(2);
    var turned = org.medvlm.volume.Reorientation.to(other, l.geometry(), l.dims()).apply(l);
    org.medvlm.io.NiftiWriter.write(turned, label, org.medvlm.io.NiftiDatatype.UINT8, true);
    Dataset d = Dataset.open(root, null);
    Dataset.Loaded c = d.load(d.cases().get(0));
    assertTrue(c.labels().sameGrid(c.image(), 1e-3));
    assertArrayEquals(org.medvlm.volume.Volume.ints(l), org.medvlm.volume.Volume.ints(c.labels()), "the same voxels, reordered back");
  }

  @Test
  void btcvLayoutNeedsBtcvIdsAndMatchingLabels() throws Exception {
    Path base = tmp.resolve("btcv/RawData/Training");
    Files.createDirectories(base.resolve("img"));
    Files.createDirectories(base.resolve("label"));
    Files.copy(TestData.ctSmall(), base.resolve("img/img0001.nii.gz"));
    Files.copy(TestData.seg(), base.resolve("label/label0001.nii.gz"));
    Dataset d = Dataset.open(tmp.resolve("btcv"), null);
    assertEquals(Dataset.Layout.BTCV, d.layout());
    BadInputException e = assertThrows(BadInputException.class, () -> d.load(d.cases().get(0)));
    assertTrue(e.getMessage().contains("not a BTCV id"), e.getMessage());
    Dataset mapped = Dataset.open(tmp.resolve("btcv"), LabelMap.read(TestData.totalSegMap()));
    assertNotNull(mapped.load(mapped.cases().get(0)));
    Files.copy(TestData.ctSmall(), base.resolve("img/img0002.nii.gz"));
    assertTrue(assertThrows(BadInputException.class, () -> Dataset.open(tmp.resolve("btcv"), null)).getMessage().contains("no label file"));
    assertTrue(assertThrows(BadInputException.class, () -> Dataset.open(tmp, null)).getMessage().contains("not a dataset folder"));
  }
}
