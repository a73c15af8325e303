package startos.exver;

import java.util.ArrayList;
import java.util.List;

/**
 * A version such as {@code 1.2.3-beta.1}: any number of unsigned 64-bit components and an optional
 * prerelease. Missing components count as zero, so {@code 1 == 1.0.0} (and they hash alike),
 * although each prints as written.
 */
public record Version(List<Long> number, List<PrereleaseSegment> prerelease)
    implements Comparable<Version> {

  public static final Version ZERO = new Version(List.of(0L), List.of());

  public Version {
    number = List.copyOf(number);
    prerelease = List.copyOf(prerelease);
    if (number.isEmpty()) {
      throw new IllegalArgumentException("a version needs at least one number");
    }
  }

  /** A release version from its components, e.g. {@code Version.of(1, 2, 3)}. */
  public static Version of(long... components) {
    List<Long> list = new ArrayList<>();
    for (long c : components) {
      list.add(c);
    }
    return new Version(list, List.of());
  }

  /**
   * Parses {@code 1.2.3} or {@code 1.2.3-rc.1}. Like the server, numeric components may have
   * leading zeros ({@code 01} reads as 1) but numeric prerelease segments may not.
   *
   * @throws ExverParseException naming the offending position
   */
  public static Version parse(String text) {
    return parse(text, text, 0, "Version");
  }

  /**
   * Parses {@code text}, reporting errors as positions inside {@code whole} from {@code offset}.
   */
  static Version parse(String text, String whole, int offset, String kind) {
    int dash = text.indexOf('-');
    String numbers = dash < 0 ? text : text.substring(0, dash);
    List<Long> number = new ArrayList<>();
    int pos = 0;
    for (String part : numbers.split("\\.", -1)) {
      number.add(unsigned(part, whole, offset + pos, kind, "numeric component"));
      pos += part.length() + 1;
    }
    List<PrereleaseSegment> prerelease = new ArrayList<>();
    if (dash >= 0) {
      pos = dash + 1;
      for (String seg : text.substring(dash + 1).split("\\.", -1)) {
        prerelease.add(segment(seg, whole, offset + pos, kind));
        pos += seg.length() + 1;
      }
    }
    return new Version(number, prerelease);
  }

  private static PrereleaseSegment segment(String seg, String whole, int at, String kind) {
    if (seg.isEmpty()) {
      throw new ExverParseException(kind, whole, at, "prerelease segment may not be empty");
    }
    if (seg.chars().allMatch(c -> c >= '0' && c <= '9')) {
      if (seg.length() > 1 && seg.charAt(0) == '0') {
        throw new ExverParseException(
            kind, whole, at, "numeric prerelease segment \"" + seg + "\" has a leading zero");
      }
      return new PrereleaseSegment.Numeric(unsigned(seg, whole, at, kind, "prerelease number"));
    }
    for (int i = 0; i < seg.length(); i++) {
      if (!PrereleaseSegment.Text.allowed(seg.charAt(i))) {
        throw new ExverParseException(
            kind,
            whole,
            at + i,
            "'" + seg.charAt(i) + "' is not allowed in a prerelease (use [0-9A-Za-z-])");
      }
    }
    return new PrereleaseSegment.Text(seg);
  }

  private static long unsigned(String digits, String whole, int at, String kind, String what) {
    if (digits.isEmpty()) {
      throw new ExverParseException(kind, whole, at, "expected a " + what + ", found nothing");
    }
    for (int i = 0; i < digits.length(); i++) {
      char c = digits.charAt(i);
      if (c < '0' || c > '9') {
        throw new ExverParseException(
            kind, whole, at + i, "expected a digit in the " + what + ", found '" + c + "'");
      }
    }
    try {
      return Long.parseUnsignedLong(digits);
    } catch (NumberFormatException e) {
      throw new ExverParseException(
          kind, whole, at, what + " " + digits + " does not fit in 64 bits");
    }
  }

  /** True if this version, as {@code this:0} without flavor, lies in {@code range}. */
  public boolean satisfies(VersionRange range) {
    return new ExtendedVersion("", this, ZERO).satisfies(range);
  }

  /** This version without its prerelease. */
  public Version withoutPrerelease() {
    return new Version(number, List.of());
  }

  /** Components without trailing zeros (at least one), the part that equality looks at. */
  List<Long> significant() {
    int len = number.size();
    while (len > 1 && number.get(len - 1) == 0L) {
      len--;
    }
    return number.subList(0, len);
  }

  @Override
  public int compareTo(Version other) {
    int len = Math.max(number.size(), other.number.size());
    for (int i = 0; i < len; i++) {
      long a = i < number.size() ? number.get(i) : 0L;
      long b = i < other.number.size() ? other.number.get(i) : 0L;
      int c = Long.compareUnsigned(a, b);
      if (c != 0) {
        return c;
      }
    }
    if (prerelease.isEmpty() != other.prerelease.isEmpty()) {
      return prerelease.isEmpty() ? 1 : -1;
    }
    int common = Math.min(prerelease.size(), other.prerelease.size());
    for (int i = 0; i < common; i++) {
      int c = prerelease.get(i).compareTo(other.prerelease.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(prerelease.size(), other.prerelease.size());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Version v
        && significant().equals(v.significant())
        && prerelease.equals(v.prerelease);
  }

  @Override
  public int hashCode() {
    return significant().hashCode() * 31 + prerelease.hashCode();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < number.size(); i++) {
      if (i > 0) {
        sb.append('.');
      }
      sb.append(Long.toUnsignedString(number.get(i)));
    }
    for (int i = 0; i < prerelease.size(); i++) {
      sb.append(i == 0 ? '-' : '.').append(prerelease.get(i));
    }
    return sb.toString();
  }
}
