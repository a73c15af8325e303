package startos.dependency;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * An exver version {@code [#flavor:]upstream[:downstream]}: two semver-like versions (any number of
 * numeric parts, an optional prerelease) and a flavor. Versions of different flavors are not
 * ordered. Parsed from a package's manifest or a range (untrusted text): a bad one is a {@link
 * IllegalArgumentException} with a sentence naming it.
 */
public record ExVersion(Optional<String> flavor, Part upstream, Part downstream) {

  /** {@code 1.2.3-beta.1}: trailing zero parts do not count ({@code 1.0 = 1.0.0}). */
  public record Part(List<Long> number, List<String> prerelease) implements Comparable<Part> {
    public Part {
      List<Long> n = new ArrayList<>(number);
      while (!n.isEmpty() && n.get(n.size() - 1) == 0) {
        n.remove(n.size() - 1);
      }
      number = List.copyOf(n);
      prerelease = List.copyOf(prerelease);
    }

    static Part parse(String s, String whole) {
      int dash = s.indexOf('-');
      String num = dash < 0 ? s : s.substring(0, dash);
      List<Long> number = new ArrayList<>();
      for (String p : num.split("\\.", -1)) {
        if (!p.matches("0|[1-9][0-9]{0,17}")) {
          throw bad(whole, "\"" + p + "\" is not a version number part");
        }
        number.add(Long.parseLong(p));
      }
      List<String> pre = new ArrayList<>();
      if (dash >= 0) {
        for (String p : s.substring(dash + 1).split("\\.", -1)) {
          if (!p.matches("[0-9A-Za-z-]+") || p.matches("0[0-9]+")) {
            throw bad(whole, "\"" + p + "\" is not a prerelease identifier");
          }
          pre.add(p);
        }
      }
      return new Part(number, pre);
    }

    /** As semver: numbers part by part, then a release above its prereleases. */
    @Override
    public int compareTo(Part o) {
      for (int i = 0; i < Math.max(number.size(), o.number.size()); i++) {
        long a = i < number.size() ? number.get(i) : 0;
        long b = i < o.number.size() ? o.number.get(i) : 0;
        if (a != b) {
          return Long.compare(a, b);
        }
      }
      if (prerelease.isEmpty() != o.prerelease.isEmpty()) {
        return prerelease.isEmpty() ? 1 : -1;
      }
      for (int i = 0; i < Math.min(prerelease.size(), o.prerelease.size()); i++) {
        int c = comparePre(prerelease.get(i), o.prerelease.get(i));
        if (c != 0) {
          return c;
        }
      }
      return Integer.compare(prerelease.size(), o.prerelease.size());
    }

    private static int comparePre(String a, String b) {
      boolean na = a.matches("[0-9]{1,18}");
      boolean nb = b.matches("[0-9]{1,18}");
      if (na && nb) {
        return Long.compare(Long.parseLong(a), Long.parseLong(b));
      }
      if (na != nb) {
        return na ? -1 : 1;
      }
      return a.compareTo(b);
    }

    @Override
    public String toString() {
      StringBuilder b = new StringBuilder();
      if (number.isEmpty()) {
        b.append('0');
      }
      for (int i = 0; i < number.size(); i++) {
        b.append(i == 0 ? "" : ".").append(number.get(i));
      }
      if (!prerelease.isEmpty()) {
        b.append('-').append(String.join(".", prerelease));
      }
      return b.toString();
    }
  }

  public ExVersion {
    flavor = flavor.filter(f -> !f.isEmpty());
  }

  /** A full version as a manifest gives it ({@code 1.0.0:0}); the downstream part is required. */
  public static ExVersion parse(String s) {
    return parse(s, true);
  }

  /** A version in a range: the downstream part may be left out and is then {@code 0}. */
  static ExVersion parseSpec(String s) {
    return parse(s, false);
  }

  private static ExVersion parse(String s, boolean full) {
    if (s.length() > 256) {
      throw bad(s.substring(0, 64) + "…", "longer than 256 characters");
    }
    String rest = s;
    Optional<String> flavor = Optional.empty();
    if (rest.startsWith("#")) {
      int colon = rest.indexOf(':');
      if (colon < 0) {
        throw bad(s, "a flavor must be followed by ':'");
      }
      String f = rest.substring(1, colon);
      if (!f.matches("[a-z]*")) {
        throw bad(s, "a flavor is lowercase letters only");
      }
      flavor = Optional.of(f);
      rest = rest.substring(colon + 1);
    }
    int colon = rest.indexOf(':');
    if (colon < 0 && full) {
      throw bad(s, "it has no downstream version (upstream:downstream, e.g. 1.0.0:0)");
    }
    String up = colon < 0 ? rest : rest.substring(0, colon);
    String down = colon < 0 ? "0" : rest.substring(colon + 1);
    return new ExVersion(flavor, Part.parse(up, s), Part.parse(down, s));
  }

  /** Empty when the flavors differ (such versions are not ordered). */
  public OptionalInt compare(ExVersion o) {
    if (!flavor.equals(o.flavor)) {
      return OptionalInt.empty();
    }
    int c = upstream.compareTo(o.upstream);
    return OptionalInt.of(c != 0 ? c : downstream.compareTo(o.downstream));
  }

  static IllegalArgumentException bad(String s, String why) {
    return new IllegalArgumentException("\"" + s + "\" is not an exver version: " + why);
  }

  @Override
  public String toString() {
    return flavor.map(f -> "#" + f + ":").orElse("") + upstream + ":" + downstream;
  }
}
