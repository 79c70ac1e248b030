package org.medvlm.data;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The organs a reference labels. A partially labelled case (a liver-only set such as CHAOS, a
 * spleen-only MSD task) labels some organs; the others are <em>unknown</em> there, not background:
 * training must not teach them as background and evaluation reports them as "not labelled".
 * Stored as bits by BTCV id (bit 0, background, is always set), the form the training samples
 * carry ({@link #bits()}).
 */
public final class OrganSet {
  private static final int ALL_BITS = (1 << (Organ.MAX_ID + 1)) - 1;

  /** Every organ labelled: BTCV, TotalSegmentator and phantom references. */
  public static final OrganSet ALL = new OrganSet(ALL_BITS);

  private final int bits;

  private OrganSet(int bits) {
    this.bits = bits | 1;
  }

  public static OrganSet of(Collection<Organ> organs) {
    int b = 1;
    for (Organ o : organs) b |= 1 << o.id();
    return new OrganSet(b);
  }

  /** From {@link #bits()}; -1 (as samples default to) means all. */
  public static OrganSet ofBits(int bits) {
    return new OrganSet(bits & ALL_BITS);
  }

  public boolean contains(Organ organ) {
    return contains(organ.id());
  }

  /** Whether the BTCV id (0 = background, always) is labelled. */
  public boolean contains(int id) {
    return id >= 0 && id <= Organ.MAX_ID && (bits & (1 << id)) != 0;
  }

  public boolean isAll() {
    return bits == ALL_BITS;
  }

  /** Bit k set: BTCV id k is labelled. */
  public int bits() {
    return bits;
  }

  public List<Organ> organs() {
    List<Organ> out = new ArrayList<>();
    for (Organ o : Organ.values()) if (contains(o)) out.add(o);
    return out;
  }

  /** Parses "all" or an organ list ("liver,spleen"); names as {@link Organ#parseList}. */
  public static OrganSet parse(String text) throws org.medvlm.BadInputException {
    return text != null && text.trim().equalsIgnoreCase("all") ? ALL : of(Organ.parseList(text));
  }

  /**
   * The organs references label, as a command is told: an explicit list ("liver,spleen"; null or
   * blank: none given), else the organs the references' label map names, else all.
   */
  public static OrganSet labelledBy(String list, LabelMap referenceMap) throws org.medvlm.BadInputException {
    if (list != null && !list.isBlank()) return parse(list);
    return referenceMap != null ? referenceMap.labelled() : ALL;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OrganSet s && s.bits == bits;
  }

  @Override
  public int hashCode() {
    return bits;
  }

  /** "all" or the organ keys, comma-separated. */
  @Override
  public String toString() {
    return isAll() ? "all" : String.join(",", organs().stream().map(Organ::key).toList());
  }
}
