package startos.exver;

/** Result of comparing two extended versions: versions of different flavors are incomparable. */
public enum PartialOrdering {
  LESS,
  EQUAL,
  GREATER,
  INCOMPARABLE;

  static PartialOrdering of(int comparison) {
    return comparison < 0 ? LESS : comparison > 0 ? GREATER : EQUAL;
  }
}
