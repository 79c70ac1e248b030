package org.medvlm.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.imglib2.type.numeric.integer.IntType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medvlm.TestData;
import org.medvlm.data.PhantomGenerator;
import org.medvlm.io.NiftiDatatype;
import org.medvlm.io.NiftiReader;
import org.medvlm.io.NiftiWriter;
import org.medvlm.volume.Volume;

/**
 * Several data folders with their own numberings, partially labelled folders, and evaluation that
 * scores only what a reference labels: {@code train --data A --data B --label-map M},
 * {@code labelled-organs.tsv}, {@code evaluate --labelled}.
 */
class PartialLabelsCliTest {
  @TempDir static Path shared;
  static Path phantoms;
  static Path real;

  @BeforeAll
  static void folders() throws Exception {
    phantoms = shared.resolve("phantoms");
    PhantomGenerator.writeDataset(phantoms, 3, 5, 64, false, s -> {});
    // patient A in TotalSegmentator's numbering, as a second folder
    real = shared.resolve("real");
    Files.createDirectories(real.resolve("img"));
    Files.createDirectories(real.resolve("label"));
    Files.copy(TestData.ctSmall(), real.resolve("img/img_realA.nii.gz"));
    Files.copy(TestData.seg(), real.resolve("label/label_realA.nii.gz"));
  }

  static CliTest.Result train(Path out, String... data) {
    List<String> args = new java.util.ArrayList<>(List.of("train", "--model", "unet"));
    args.addAll(List.of(data));
    args.addAll(List.of("--out", out.toString(), "--epochs", "1", "--size", "32", "--spacing", "6", "--width", "4", "--depth", "2",
        "--organs", "spleen,liver", "--device", "cpu"));
    return CliTest.run(args.toArray(String[]::new));
  }

  @Test
  void twoFoldersWithDifferentNumberingsTrainTogether() throws Exception {
    Path split = shared.resolve("val.txt");
    Files.writeString(split, "0003\n");
    Path out = shared.resolve("both");
    CliTest.Result r = train(out, "--data", phantoms.toString(), "--data", real.toString(), "--label-map", TestData.totalSegMap().toString(),
        "--split", split.toString());
    assertEquals(0, r.code(), r.err());
    JsonObject card = JsonParser.parseString(Files.readString(out.resolve("model.json"))).getAsJsonObject();
    assertEquals("[\"0001\",\"0002\",\"realA\"]", card.get("train_cases").toString());
    JsonArray folders = card.getAsJsonArray("data_folders");
    assertEquals(2, folders.size());
    assertFalse(folders.get(0).getAsJsonObject().has("label_map"));
    assertTrue(folders.get(1).getAsJsonObject().get("label_map").getAsString().endsWith("totalsegmentator-to-btcv.tsv"));
    // without its map the real folder's TotalSegmentator ids are refused, naming the file; nothing is written
    Path refused = shared.resolve("refused");
    CliTest.Result bad = train(refused, "--data", phantoms.toString(), "--data", real.toString(), "--label-map", TestData.totalSegMap().toString(),
        "--data", real.toString());
    CliTest.assertError(bad, 2, "has the case id 'realA' of a case in " + real);
    assertFalse(Files.exists(refused));
  }

  @Test
  void aFolderWhoseLabelsDoNotFitItsImagesIsRefusedBeforeAnythingIsWritten() throws Exception {
    Path off = shared.resolve("offgrid");
    Files.createDirectories(off.resolve("img"));
    Files.createDirectories(off.resolve("label"));
    Files.copy(TestData.ctSmall(), off.resolve("img/img0101.nii.gz"));
    Files.copy(TestData.ctSmall(), off.resolve("img/img0102.nii.gz"));
    Files.copy(TestData.seg(), off.resolve("label/label0101.nii.gz"));
    Files.copy(TestData.ctLong(), off.resolve("label/label0102.nii.gz"));
    Path out = shared.resolve("offgrid-run");
    CliTest.assertError(train(out, "--data", phantoms.toString(), "--data", off.toString(), "--label-map", TestData.totalSegMap().toString()), 2,
        "label0102.nii.gz: label grid differs from its image img0102.nii.gz");
    assertFalse(Files.exists(out), "nothing written");
  }

  @Test
  void aPerCaseTableOfLabelledOrgansIsReadAndChecked() throws Exception {
    Path part = shared.resolve("partial");
    Files.createDirectories(part.resolve("img"));
    Files.createDirectories(part.resolve("label"));
    for (String id : new String[] {"0001", "0002", "0003"}) {
      Files.copy(phantoms.resolve("img/img" + id + ".nii.gz"), part.resolve("img/img_p" + id + ".nii.gz"));
      // keep only the liver in the references, as a liver-only set would
      Volume<IntType> l = NiftiReader.readLabels(phantoms.resolve("label/label" + id + ".nii.gz"));
      int[] v = Volume.ints(l).clone();
      for (int i = 0; i < v.length; i++) if (v[i] != 6) v[i] = 0;
      NiftiWriter.write(Volume.ofLabels(v, l.dims(), l.geometry()), part.resolve("label/label_p" + id + ".nii.gz"), NiftiDatatype.UINT8, false);
    }
    Files.writeString(part.resolve("labelled-organs.tsv"), "case_id\torgans\np0001\tliver\np0002\tliver\np0003\tliver\n");
    Path split = shared.resolve("val-partial.txt");
    Files.writeString(split, "p0003\n");
    Path out = shared.resolve("partial-run");
    CliTest.Result r = train(out, "--data", part.toString(), "--split", split.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("preparing training case p0001 (labels liver only)"), r.err());
    // validation scores only the liver: the spleen, unlabelled there, has no column rather than a 0
    String header = Files.readAllLines(out.resolve("curves.csv")).get(0);
    assertTrue(header.endsWith(",val_dice_liver"), header);

    Files.writeString(part.resolve("labelled-organs.tsv"), "case_id\torgans\np0009\tliver\n");
    CliTest.assertError(train(shared.resolve("x"), "--data", part.toString()), 2, "labelled-organs.tsv: line 2: no case 'p0009' in this folder");
    Files.writeString(part.resolve("labelled-organs.tsv"), "case_id\torgans\np0001\tlivr\n");
    CliTest.assertError(train(shared.resolve("x"), "--data", part.toString()), 2, "labelled-organs.tsv: line 2: unknown organ 'livr'");
    Files.delete(part.resolve("labelled-organs.tsv"));
  }

  @Test
  void evaluateReportsOrgansAReferenceDoesNotLabelAsNotLabelled() throws Exception {
    Path pred = phantoms.resolve("label/label0001.nii.gz");
    Path json = shared.resolve("eval.json");
    CliTest.Result r = CliTest.run("evaluate", "--pred", pred.toString(), "--truth", pred.toString(), "--labelled", "liver",
        "--organs", "spleen,liver", "--json", json.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().lines().anyMatch(l -> l.startsWith("0001") && l.contains("spleen") && l.contains("not labelled")), r.out());
    assertTrue(r.out().lines().anyMatch(l -> l.startsWith("spleen") && l.contains("not labelled in any reference")), r.out());
    JsonObject o = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    JsonObject spleen = o.getAsJsonArray("means").get(0).getAsJsonObject();
    assertEquals(0, spleen.get("cases").getAsInt());
    assertEquals(1, spleen.get("not_labelled").getAsInt());
    assertTrue(spleen.get("dice").isJsonNull(), "never 0 or 1");
    JsonObject liver = o.getAsJsonArray("means").get(1).getAsJsonObject();
    assertEquals(1.0, liver.get("dice").getAsDouble(), 1e-12);
    // a reference label map names the organs its references label
    Path liverOnly = shared.resolve("liver-only.tsv");
    Files.writeString(liverOnly, "btcv_id\tsource_id\n6\t6\n");
    CliTest.Result m = CliTest.run("evaluate", "--pred", pred.toString(), "--truth", pred.toString(), "--truth-label-map", liverOnly.toString(),
        "--organs", "spleen,liver");
    assertEquals(0, m.code(), m.err());
    assertTrue(m.out().lines().anyMatch(l -> l.startsWith("0001") && l.contains("spleen") && l.contains("not labelled")), m.out());
  }
}
