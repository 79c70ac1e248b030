package org.medvlm.data;

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
import org.medvlm.io.CaseId;
import org.medvlm.BadInputException;
import org.medvlm.io.NiftiReader;
import org.medvlm.volume.Volume;

/**
 * A labelled CT dataset on disk, in BTCV layout ({@code img/imgNNNN.nii.gz} with
 * {@code label/labelNNNN.nii.gz}, optionally under {@code RawData/Training/}) or Medical
 * Segmentation Decathlon layout ({@code imagesTr/}, {@code labelsTr/}, {@code dataset.json}),
 * or several such folders together, each with its own label numbering. Labels are mapped to
 * BTCV ids on loading.
 *
 * <p>Each case knows which organs its reference labels ({@link OrganSet}): all of them in BTCV
 * numbering, the organs a {@code --label-map} TSV or a {@code dataset.json} names otherwise, or
 * what a folder's {@code labelled-organs.tsv} says per case ({@code case_id} and {@code organs}
 * columns, e.g. {@code 0007  liver,spleen}). An organ a case does not label is unknown there,
 * not background.
 */
public final class Dataset {
  /** Name of the optional per-case table of labelled organs in a dataset folder. */
  public static final String LABELLED_ORGANS_FILE = "labelled-organs.tsv";

  /** One dataset folder and the label map of its numbering (null: BTCV ids or its dataset.json). */
  public record Source(Path dir, Path labelMap) {}

  /**
   * One image with its label file, the map of its folder's numbering (null: BTCV ids) and the
   * organs its labels cover.
   */
  public record Case(String id, Path image, Path label, LabelMap map, OrganSet labelled) {
    public Case(String id, Path image, Path label) {
      this(id, image, label, null, OrganSet.ALL);
    }
  }

  /** A loaded case: CT in HU and labels in BTCV ids on the same grid. */
  public record Loaded(Case source, Volume<FloatType> image, Volume<IntType> labels) {
    /** The organs the labels cover; the others are unknown, not background. */
    public OrganSet labelled() {
      return source.labelled();
    }
  }

  public enum Layout { BTCV, MSD }

  private final Path root;
  private final Layout layout;
  private final List<Case> cases;

  private Dataset(Path root, Layout layout, List<Case> cases) {
    this.root = root;
    this.layout = layout;
    this.cases = cases;
  }

  /** Opens a dataset folder; {@code labelMap} overrides the layout's own numbering (may be null). */
  public static Dataset open(Path dir, LabelMap labelMap) throws IOException {
    if (!Files.isDirectory(dir)) throw new BadInputException(dir, "no such folder");
    for (Path base : new Path[] {dir, dir.resolve("RawData").resolve("Training"), dir.resolve("Training")}) {
      if (Files.isDirectory(base.resolve("img")) && Files.isDirectory(base.resolve("label"))) {
        return new Dataset(dir, Layout.BTCV, pair(dir, base.resolve("img"), base.resolve("label"), labelMap));
      }
    }
    if (Files.isDirectory(dir.resolve("imagesTr")) && Files.isDirectory(dir.resolve("labelsTr"))) {
      LabelMap map = labelMap != null ? labelMap : LabelMap.fromDatasetJson(dir.resolve("dataset.json"));
      return new Dataset(dir, Layout.MSD, pair(dir, dir.resolve("imagesTr"), dir.resolve("labelsTr"), map));
    }
    throw new BadInputException(dir, "not a dataset folder: expected img/ and label/ (BTCV, optionally under RawData/Training) or imagesTr/ and labelsTr/ (MSD)");
  }

  /**
   * Several dataset folders as one (for example real scans and phantoms), each read with its own
   * label map; case ids must differ between folders, since splits and reports name cases by id.
   */
  public static Dataset open(List<Source> sources) throws IOException {
    if (sources.isEmpty()) throw new BadInputException("{data}", "a dataset folder is required");
    List<Case> all = new ArrayList<>();
    Map<String, Path> seen = new TreeMap<>();
    Layout layout = null;
    for (Source src : sources) {
      Dataset d = open(src.dir(), src.labelMap() == null ? null : LabelMap.read(src.labelMap()));
      if (layout == null) layout = d.layout();
      for (Case c : d.cases()) {
        Path other = seen.put(c.id(), src.dir());
        if (other != null) {
          throw new BadInputException(c.image(), "has the case id '" + c.id() + "' of a case in " + other
              + "; case ids must differ between {data} folders (rename the files of one)");
        }
        all.add(c);
      }
    }
    return new Dataset(sources.get(0).dir(), layout, List.copyOf(all));
  }

  private static List<Case> pair(Path dir, Path images, Path labels, LabelMap map) throws IOException {
    Map<String, Path> img = byId(images);
    Map<String, Path> lab = byId(labels);
    if (img.isEmpty()) throw new BadInputException(images, "no .nii or .nii.gz files");
    Map<String, OrganSet> perCase = labelledOrgans(dir.resolve(LABELLED_ORGANS_FILE), img.keySet());
    OrganSet folder = map == null ? OrganSet.ALL : map.labelled();
    List<Case> out = new ArrayList<>();
    for (var e : img.entrySet()) {
      Path l = lab.get(e.getKey());
      if (l == null) throw new BadInputException(e.getValue(), "has no label file for case " + e.getKey() + " in " + labels);
      out.add(new Case(e.getKey(), e.getValue(), l, map, perCase.getOrDefault(e.getKey(), folder)));
    }
    return out;
  }

  /** The per-case organs of a {@link #LABELLED_ORGANS_FILE}, if the folder has one. */
  private static Map<String, OrganSet> labelledOrgans(Path file, java.util.Set<String> ids) throws IOException {
    Map<String, OrganSet> out = new TreeMap<>();
    if (!Files.exists(file)) return out;
    TsvFile tsv = TsvFile.read(file);
    int idCol = tsv.column("case_id"), organCol = tsv.column("organs");
    for (TsvFile.Row row : tsv.rows()) {
      String id = row.get(idCol);
      if (!ids.contains(id)) throw new BadInputException(file, "line " + row.line() + ": no case '" + id + "' in this folder");
      OrganSet organs;
      try {
        organs = OrganSet.parse(row.get(organCol));
      } catch (BadInputException e) {
        throw new BadInputException(file, "line " + row.line() + ": " + e.problem());
      }
      if (out.put(id, organs) != null) throw new BadInputException(file, "line " + row.line() + ": case " + id + " listed twice");
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

  public Path root() {
    return root;
  }

  public Layout layout() {
    return layout;
  }

  public List<Case> cases() {
    return List.copyOf(cases);
  }

  /**
   * Reads a case; labels are mapped to BTCV ids and must lie on the image's grid (labels that hold
   * the same voxels in another axis order, e.g. LAS beside an LPS image, are reordered onto it).
   */
  public Loaded load(Case c) throws IOException {
    Volume<FloatType> image = NiftiReader.readImage(c.image());
    long nonFinite = Volume.nonFiniteCount(image);
    if (nonFinite > 0) throw new BadInputException(c.image(), nonFinite + " voxels are NaN or infinite; training needs finite HU (fill them first, e.g. with -1024)");
    Volume<IntType> stored = NiftiReader.readLabels(c.label());
    Volume<IntType> labels = org.medvlm.volume.Reorientation.ontoGridOf(stored, image, 1e-3); // same voxels stored in another axis order: reordered exactly
    if (labels == null) {
      throw new BadInputException(c.label(), "label grid differs from its image " + c.image().getFileName() + " (" + stored.gridDifference(image, 1e-3) + ")");
    }
    if (c.map() != null) labels = c.map().apply(labels, c.label());
    else LabelMap.requireBtcv(labels, c.label());
    return new Loaded(c, image, labels);
  }
}
