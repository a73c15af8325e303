package startos.exver;

import java.util.ArrayList;
import java.util.List;

/**
 * A set of extended versions, e.g. {@code >=1.2:0 <2:0 || #knots}. Parsing and printing match the
 * StartOS server: {@code ^} and {@code ~} expand into two anchors, {@code *} and {@code !} are
 * folded away by {@link #and}/{@link #or}, and {@link #not} pushes negation inwards.
 *
 * <p>The records are the raw shapes; the static methods are the smart constructors the parser uses.
 */
public sealed interface VersionRange {

  /** {@code op version}, e.g. {@code >=1.2:0}. */
  record Anchor(Operator op, ExtendedVersion version) implements VersionRange {
    @Override
    public String toString() {
      return VersionRange.print(this);
    }
  }

  record And(VersionRange left, VersionRange right) implements VersionRange {
    @Override
    public String toString() {
      return VersionRange.print(this);
    }
  }

  record Or(VersionRange left, VersionRange right) implements VersionRange {
    @Override
    public String toString() {
      return VersionRange.print(this);
    }
  }

  record Not(VersionRange inner) implements VersionRange {
    @Override
    public String toString() {
      return VersionRange.print(this);
    }
  }

  /** {@code #flavor}: any version of that flavor; {@code ""} (printed {@code #}) means none. */
  record Flavor(String flavor) implements VersionRange {
    public Flavor {
      if (!flavor.chars().allMatch(c -> c >= 'a' && c <= 'z')) {
        throw new IllegalArgumentException("flavor must be lowercase ascii letters: " + flavor);
      }
    }

    @Override
    public String toString() {
      return VersionRange.print(this);
    }
  }

  /** {@code *}: every version. */
  record Any() implements VersionRange {
    @Override
    public String toString() {
      return VersionRange.print(this);
    }
  }

  /** {@code !}: no version. */
  record None() implements VersionRange {
    @Override
    public String toString() {
      return VersionRange.print(this);
    }
  }

  /** {@code *}: every version. */
  static VersionRange any() {
    return new Any();
  }

  /** {@code !}: no version. */
  static VersionRange none() {
    return new None();
  }

  /**
   * Parses a range. Operators have no precedence: the expression is folded left to right ({@code a
   * && b || c} is {@code (a && b) || c}), and juxtaposition repeats the last explicit operator of
   * the same parenthesis level (AND if none), as the server does. Trailing spaces are allowed;
   * anything else left over is an error.
   *
   * @throws ExverParseException naming the position and what was expected there
   */
  static VersionRange parse(String text) {
    return new RangeParser(text).parseAll();
  }

  static VersionRange anchor(Operator op, ExtendedVersion version) {
    return new Anchor(op, version);
  }

  static VersionRange exactly(ExtendedVersion version) {
    return new Anchor(Operator.EQ, version);
  }

  static VersionRange flavor(String flavor) {
    return new Flavor(flavor);
  }

  /** {@code ^v}: at least v, below the next bump of its first non-zero component. */
  static VersionRange caret(ExtendedVersion version) {
    return bounded(version, 0);
  }

  /** {@code ~v}: at least v, below the next bump of the component after the first non-zero one. */
  static VersionRange tilde(ExtendedVersion version) {
    return bounded(version, 1);
  }

  private static VersionRange bounded(ExtendedVersion version, int extra) {
    List<Long> significant = version.upstream().significant();
    int major = 0;
    while (major < significant.size() && significant.get(major) == 0L) {
      major++;
    }
    if (major == significant.size()) {
      major = significant.size() - 1;
    }
    List<Long> max = new ArrayList<>(significant.subList(0, major));
    if (extra == 0) {
      max.add(significant.get(major) + 1);
    } else {
      max.add(significant.get(major));
      max.add((major + 1 < significant.size() ? significant.get(major + 1) : 0L) + 1);
    }
    // the server keeps the prerelease of the upper bound; so do we
    Version upper = new Version(max, version.upstream().prerelease());
    ExtendedVersion limit = new ExtendedVersion(version.flavor(), upper, Version.ZERO);
    return and(new Anchor(Operator.GTE, version), new Anchor(Operator.LT, limit));
  }

  /** Intersection; {@code *} is its identity and {@code !} absorbs. */
  static VersionRange and(VersionRange a, VersionRange b) {
    if (a instanceof Any) {
      return b;
    }
    if (b instanceof Any) {
      return a;
    }
    if (a instanceof None || b instanceof None) {
      return none();
    }
    return new And(a, b);
  }

  /** Union; {@code !} is its identity and {@code *} absorbs. */
  static VersionRange or(VersionRange a, VersionRange b) {
    if (a instanceof Any || b instanceof Any) {
      return any();
    }
    if (a instanceof None) {
      return b;
    }
    if (b instanceof None) {
      return a;
    }
    return new Or(a, b);
  }

  /** Complement, pushed through And/Or (De Morgan) and {@code =}/{@code !=}. */
  static VersionRange not(VersionRange a) {
    return switch (a) {
      case Anchor(Operator op, ExtendedVersion v) when op == Operator.EQ ->
          new Anchor(Operator.NEQ, v);
      case Anchor(Operator op, ExtendedVersion v) when op == Operator.NEQ ->
          new Anchor(Operator.EQ, v);
      case And(VersionRange l, VersionRange r) -> new Or(not(l), not(r));
      case Or(VersionRange l, VersionRange r) -> new And(not(l), not(r));
      case Not(VersionRange inner) -> inner;
      case Any any -> none();
      case None none -> any();
      case Anchor anchor -> new Not(anchor);
      case Flavor flavor -> new Not(flavor);
    };
  }

  /** True if {@code version} lies in this range. */
  default boolean satisfiedBy(ExtendedVersion version) {
    return version.satisfies(this);
  }

  /** True if at least one extended version lies in this range (flavors included). */
  default boolean satisfiable() {
    return Satisfiability.of(this).satisfiable();
  }

  /** True if some extended version lies in both ranges. */
  default boolean intersects(VersionRange other) {
    return Satisfiability.and(Satisfiability.of(this), Satisfiability.of(other)).satisfiable();
  }

  /** The server's text form: AND is a space, nested expressions are parenthesised. */
  static String print(VersionRange range) {
    return switch (range) {
      case Anchor(Operator op, ExtendedVersion v) -> op.symbol() + v;
      case And(VersionRange a, VersionRange b) -> nested(a) + " " + nested(b);
      case Or(VersionRange a, VersionRange b) -> nested(a) + " || " + nested(b);
      case Not(VersionRange a) -> "!" + nested(a);
      case Any any -> "*";
      case None none -> "!";
      case Flavor(String f) -> "#" + f;
    };
  }

  private static String nested(VersionRange range) {
    return switch (range) {
      case Anchor a -> print(a);
      case Any a -> print(a);
      case None n -> print(n);
      default -> "(" + print(range) + ")";
    };
  }
}
