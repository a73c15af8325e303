package startos.exver;

import java.util.Comparator;
import java.util.Optional;

/**
 * A package version {@code [#flavor:]upstream:downstream}, e.g. {@code #knots:29.1:2}. The flavor
 * is {@code [a-z]*}; the empty string means "no flavor". Versions of different flavors are
 * incomparable, hence {@link #compare} returns a {@link PartialOrdering}.
 */
public record ExtendedVersion(String flavor, Version upstream, Version downstream) {

  /**
   * A total order for sorting and map keys: flavor (unflavored first), then upstream, then
   * downstream. Use {@link #compare} for version semantics.
   */
  public static final Comparator<ExtendedVersion> SORT_ORDER =
      Comparator.comparing(ExtendedVersion::flavor)
          .thenComparing(ExtendedVersion::upstream)
          .thenComparing(ExtendedVersion::downstream);

  public ExtendedVersion {
    if (!flavor.chars().allMatch(c -> c >= 'a' && c <= 'z')) {
      throw new IllegalArgumentException("flavor must be lowercase ascii letters: " + flavor);
    }
  }

  /** An unflavored version. */
  public ExtendedVersion(Version upstream, Version downstream) {
    this("", upstream, downstream);
  }

  /**
   * Parses {@code upstream:downstream} or {@code #flavor:upstream:downstream}; the downstream is
   * required here (unlike inside a range).
   *
   * @throws ExverParseException naming the offending position
   */
  public static ExtendedVersion parse(String text) {
    String kind = "Extended version";
    String flavor = "";
    int start = 0;
    if (text.startsWith("#")) {
      int colon = text.indexOf(':');
      if (colon > 0) {
        flavor = text.substring(1, colon);
        start = colon + 1;
        for (int i = 0; i < flavor.length(); i++) {
          char c = flavor.charAt(i);
          if (c < 'a' || c > 'z') {
            throw new ExverParseException(
                kind, text, 1 + i, "flavor must be lowercase ascii letters, found '" + c + "'");
          }
        }
      }
    }
    int split = text.indexOf(':', start);
    if (split < 0) {
      throw new ExverParseException(
          kind,
          text,
          text.length(),
          "missing downstream version (expected upstream:downstream, e.g. 1.0.0:0)");
    }
    Version up = Version.parse(text.substring(start, split), text, start, kind);
    Version down = Version.parse(text.substring(split + 1), text, split + 1, kind);
    return new ExtendedVersion(flavor, up, down);
  }

  /** The flavor, if any. */
  public Optional<String> flavorName() {
    return flavor.isEmpty() ? Optional.empty() : Optional.of(flavor);
  }

  /** Same version under another flavor ({@code ""} removes it). */
  public ExtendedVersion withFlavor(String newFlavor) {
    return new ExtendedVersion(newFlavor, upstream, downstream);
  }

  /** Upstream first, then downstream; {@link PartialOrdering#INCOMPARABLE} across flavors. */
  public PartialOrdering compare(ExtendedVersion other) {
    if (!flavor.equals(other.flavor)) {
      return PartialOrdering.INCOMPARABLE;
    }
    int c = upstream.compareTo(other.upstream);
    return PartialOrdering.of(c != 0 ? c : downstream.compareTo(other.downstream));
  }

  /** True if this version lies in {@code range}. */
  public boolean satisfies(VersionRange range) {
    return switch (range) {
      case VersionRange.Anchor(Operator op, ExtendedVersion v) -> op.accepts(compare(v));
      case VersionRange.And(VersionRange a, VersionRange b) -> satisfies(a) && satisfies(b);
      case VersionRange.Or(VersionRange a, VersionRange b) -> satisfies(a) || satisfies(b);
      case VersionRange.Not(VersionRange a) -> !satisfies(a);
      case VersionRange.Any any -> true;
      case VersionRange.None none -> false;
      case VersionRange.Flavor(String f) -> flavor.equals(f);
    };
  }

  @Override
  public String toString() {
    return (flavor.isEmpty() ? "" : "#" + flavor + ":") + upstream + ":" + downstream;
  }
}
