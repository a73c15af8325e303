package startos.dependency;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * An exver range as packages write them ({@code >=1.0.0:0}, {@code ^2.1 || #knots:27.0:0}, {@code
 * !(<1.0.0 && *)}): anchors with {@code = != > >= < <= ^ ~} (none means {@code ^}), {@code *},
 * {@code !}, a flavor {@code #f}, negation, parentheses, {@code &&}/{@code ||} folded left to right
 * and juxtaposition meaning {@code &&}, as StartOS's exver grammar reads them. From a package
 * (untrusted): a bad range is an {@link IllegalArgumentException} with a sentence naming it.
 */
public sealed interface VersionRange {
  /** The longest range accepted; packages write a few dozen characters. */
  int MAX_CHARS = 1024;

  boolean satisfiedBy(ExVersion v);

  /** {@code v <op> version}. */
  record Anchor(Op op, ExVersion version) implements VersionRange {
    @Override
    public boolean satisfiedBy(ExVersion v) {
      OptionalInt c = v.compare(version);
      if (c.isEmpty()) {
        return op == Op.NEQ; // another flavor is only ever "not equal"
      }
      int s = Integer.signum(c.getAsInt());
      return switch (op) {
        case EQ -> s == 0;
        case NEQ -> s != 0;
        case GT -> s > 0;
        case GTE -> s >= 0;
        case LT -> s < 0;
        case LTE -> s <= 0;
      };
    }
  }

  record And(VersionRange a, VersionRange b) implements VersionRange {
    @Override
    public boolean satisfiedBy(ExVersion v) {
      return a.satisfiedBy(v) && b.satisfiedBy(v);
    }
  }

  record Or(VersionRange a, VersionRange b) implements VersionRange {
    @Override
    public boolean satisfiedBy(ExVersion v) {
      return a.satisfiedBy(v) || b.satisfiedBy(v);
    }
  }

  record Not(VersionRange a) implements VersionRange {
    @Override
    public boolean satisfiedBy(ExVersion v) {
      return !a.satisfiedBy(v);
    }
  }

  /** {@code *} (true) or a lone {@code !} (false). */
  record Const(boolean value) implements VersionRange {
    @Override
    public boolean satisfiedBy(ExVersion v) {
      return value;
    }
  }

  /** {@code #f}: every version of that flavor ({@code #} alone: no flavor). */
  record Flavor(Optional<String> flavor) implements VersionRange {
    @Override
    public boolean satisfiedBy(ExVersion v) {
      return v.flavor().equals(flavor);
    }
  }

  enum Op {
    EQ,
    NEQ,
    GT,
    GTE,
    LT,
    LTE
  }

  static VersionRange parse(String s) {
    if (s.length() > MAX_CHARS) {
      throw new IllegalArgumentException(
          "a version range is at most " + MAX_CHARS + " characters, got " + s.length());
    }
    return new RangeParser(s).parseAll();
  }

  /**
   * Whether {@code version} or any of {@code satisfies} (versions it also satisfies) is in range.
   */
  default boolean satisfiedByAny(ExVersion version, List<ExVersion> satisfies) {
    List<ExVersion> all = new ArrayList<>(satisfies);
    all.add(0, version);
    return all.stream().anyMatch(this::satisfiedBy);
  }

  /** {@code ^v}: up to the next change of the first non-zero part. */
  static VersionRange caret(ExVersion v) {
    return bounded(v, false);
  }

  /** {@code ~v}: up to the next change of the part after the first non-zero one. */
  static VersionRange tilde(ExVersion v) {
    return bounded(v, true);
  }

  private static VersionRange bounded(ExVersion v, boolean tilde) {
    List<Long> n = v.upstream().number();
    int major = 0;
    while (major < n.size() - 1 && n.get(major) == 0) {
      major++;
    }
    List<Long> max = new ArrayList<>(n.subList(0, Math.min(major, n.size())));
    long at = major < n.size() ? n.get(major) : 0;
    if (tilde) {
      max.add(at);
      max.add((major + 1 < n.size() ? n.get(major + 1) : 0) + 1);
    } else {
      max.add(at + 1);
    }
    ExVersion upper =
        new ExVersion(
            v.flavor(),
            new ExVersion.Part(max, v.upstream().prerelease()),
            new ExVersion.Part(List.of(), List.of()));
    return new And(new Anchor(Op.GTE, v), new Anchor(Op.LT, upper));
  }
}
