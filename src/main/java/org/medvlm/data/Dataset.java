package org.medvlm.data;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.imglib2.type.numeric.integer.IntType;
import net.imglib2.type.numeric.real.FloatType;
import org.medvlm.BadInputException;
import org.medvlm.io.NiftiReader;
import org.medvlm.volume.Volume;

/**
 * A labelled CT dataset on disk, in BTCV layout ({@code img/imgNNNN.nii.gz} with
 * {@code label/labelNNNN.nii.gz}, optionally under {@code RawData/Training/}) or Medical
 * Segmentation Decathlon layout ({@code imagesTr/}, {@code labelsTr/}, {@code dataset.json}).
 * Labels are mapped to BTCV ids on loading.
 */
public final class Dataset {
  /** One image with its label file. */
  public record Case(String id, Path image, Path label) {}

  /** A loaded case: CT in HU and labels in BTCV ids on the same grid. */
  public record Loaded(Case source, Volume<FloatType> image, Volume<IntType> labels) {}

  public enum Layout { BTCV, MSD }

  private final Path root;
  private final Layout layout;
  private final List<Case> cases;
  private final LabelMap labelMap;

  private Dataset(Path root, Layout layout, List<Case> cases, LabelMap labelMap) {
    this.root = root;
    this.layout = layout;
    this.cases = cases;
    this.labelMap = labelMap;
  }

  /** Opens a dataset folder; {@code labelMap} overrides the layout's own numbering (may be null). */
  public static Dataset open(Path dir, LabelMap labelMap) throws IOException {
    if (!Files.isDirectory(dir)) throw new BadInputException(dir, "no such folder");
    for (Path base : new Path[] {dir, dir.resolve("RawData").resolve("Training"), dir.resolve("Training")}) {
      if (Files.isDirectory(base.resolve("img")) && Files.isDirectory(base.resolve("label"))) {
        List<Case> cases = pair(base.resolve("img"), base.resolve("label"));
        return new Dataset(dir, Layout.BTCV, cases, labelMap == null ? null : labelMap);
      }
    }
    if (Files.isDirectory(dir.resolve("imagesTr")) && Files.isDirectory(dir.resolve("labelsTr"))) {
      List<Case> cases = pair(dir.resolve("imagesTr"), dir.resolve("labelsTr"));
      LabelMap map = labelMap != null ? labelMap : msdLabelMap(dir.resolve("dataset.json"));
      return new Dataset(dir, Layout.MSD, cases, map);
    }
    throw new BadInputException(dir, "not a dataset folder: expected img/ and label/ (BTCV, optionally under RawData/Training) or imagesTr/ and labelsTr/ (MSD)");
  }

  private static List<Case> pair(Path images, Path labels) throws IOException {
    Map<String, Path> img = byId(images);
    Map<String, Path> lab = byId(labels);
    if (img.isEmpty()) throw new BadInputException(images, "no .nii or .nii.gz files");
    List<Case> out = new ArrayList<>();
    for (var e : img.entrySet()) {
      Path l = lab.get(e.getKey());
      if (l == null) throw new BadInputException(e.getValue(), "has no label file for case " + e.getKey() + " in " + labels);
      out.add(new Case(e.getKey(), e.getValue(), l));
    }
    return out;
  }

  /** NIfTI files of a folder by case id, refusing two files of one case. */
  public static Map<String, Path> byId(Path dir) throws IOException {
    Map<String, Path> out = new TreeMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s.sorted()::iterator) {
        if (!Files.isRegularFile(p) || !CaseId.isNifti(p) || p.getFileName().toString().startsWith(".")) continue;
        Path old = out.put(CaseId.of(p), p);
        if (old != null) throw new BadInputException(p, "has the same case id '" + CaseId.of(p) + "' as " + old.getFileName());
      }
    }
    return out;
  }

  private static LabelMap msdLabelMap(Path json) throws IOException {
    if (!Files.isRegularFile(json)) throw new BadInputException(json, "missing: an MSD dataset needs dataset.json (or pass --label-map)");
    try {
      JsonObject o = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
      JsonObject labels = o.getAsJsonObject("labels");
      if (labels == null) throw new BadInputException(json, "has no \"labels\" object");
      Map<Integer, String> names = new TreeMap<>();
      for (Map.Entry<String, JsonElement> e : labels.entrySet()) {
        // MSD v1: {"1": "spleen"}; nnU-Net v2: {"spleen": 1}
        if (e.getKey().matches("\\d+")) names.put(Integer.parseInt(e.getKey()), e.getValue().getAsString());
        else if (e.getValue().isJsonPrimitive() && e.getValue().getAsJsonPrimitive().isNumber()) names.put(e.getValue().getAsInt(), e.getKey());
      }
      LabelMap map = LabelMap.fromNames(names, json.toString());
      if (map.entries().isEmpty()) throw new BadInputException(json, "no label names a BTCV organ: " + names.values());
      return map;
    } catch (RuntimeException e) {
      throw new BadInputException(json, "is not a valid dataset.json: " + e.getMessage());
    }
  }

  public Path root() {
    return root;
  }

  public Layout layout() {
    return layout;
  }

  public List<Case> cases() {
    return List.copyOf(cases);
  }

  /** Reads a case; labels are mapped to BTCV ids and must lie on the image's grid. */
  public Loaded load(Case c) throws IOException {
    Volume<FloatType> image = NiftiReader.readImage(c.image());
    long nonFinite = Volume.nonFiniteCount(image);
    if (nonFinite > 0) throw new BadInputException(c.image(), nonFinite + " voxels are NaN or infinite; training needs finite HU (fill them first, e.g. with -1024)");
    Volume<IntType> labels = NiftiReader.readLabels(c.label());
    if (!labels.sameGrid(image, 1e-3)) {
      throw new BadInputException(c.label(), "label grid differs from its image " + c.image().getFileName() + " (" + labels.gridDifference(image, 1e-3) + ")");
    }
    if (labelMap != null) labels = labelMap.apply(labels);
    else LabelMap.requireBtcv(labels, c.label());
    return new Loaded(c, image, labels);
  }
}
