package startos.exver;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BinaryOperator;

/**
 * Decides whether a range admits any version: for each class of flavors, a truth table over the
 * version line, cut at the anchors' versions. Tables stay exhaustive over flavors (every anchor
 * also states "false for all other flavors"), so negation just flips every cell.
 */
final class Satisfiability {

  /** A set of flavors: exactly one, or all but some. */
  private sealed interface FlavorClass {
    record One(String flavor) implements FlavorClass {}

    record AllBut(Set<String> excluded) implements FlavorClass {}

    /** Intersection, or null when it is empty. */
    static FlavorClass meet(FlavorClass a, FlavorClass b) {
      return switch (a) {
        case One(String fa) ->
            switch (b) {
              case One(String fb) -> fa.equals(fb) ? a : null;
              case AllBut(Set<String> xb) -> xb.contains(fa) ? null : a;
            };
        case AllBut(Set<String> xa) ->
            switch (b) {
              case One(String fb) -> xa.contains(fb) ? null : b;
              case AllBut(Set<String> xb) -> {
                Set<String> union = new HashSet<>(xa);
                union.addAll(xb);
                yield new AllBut(Set.copyOf(union));
              }
            };
      };
    }
  }

  /** A cut just below (side -1) or just above (side 1) a version. */
  private record Point(Version upstream, Version downstream, int side) {
    static final Comparator<Point> ORDER =
        Comparator.comparing(Point::upstream)
            .thenComparing(Point::downstream)
            .thenComparingInt(Point::side);
  }

  /** values.size() == points.size() + 1: the truth on each stretch between cuts. */
  private record Table(List<Point> points, List<Boolean> values) {
    static Table zip(Table a, Table b, BinaryOperator<Boolean> f) {
      List<Point> points = new ArrayList<>();
      List<Boolean> values = new ArrayList<>();
      int i = 0;
      int j = 0;
      while (true) {
        boolean next = f.apply(a.values.get(i), b.values.get(j));
        if (!values.isEmpty() && values.getLast() == next) {
          points.removeLast(); // merge equal neighbouring stretches
        } else {
          values.add(next);
        }
        boolean aDone = i == a.points.size();
        boolean bDone = j == b.points.size();
        if (aDone && bDone) {
          return new Table(points, values);
        }
        int c = aDone ? 1 : bDone ? -1 : Point.ORDER.compare(a.points.get(i), b.points.get(j));
        if (c <= 0) {
          points.add(a.points.get(i++));
          if (c == 0) {
            j++;
          }
        } else {
          points.add(b.points.get(j++));
        }
      }
    }

    Table negated() {
      return new Table(points, values.stream().map(v -> !v).toList());
    }
  }

  /** null map means a constant: see {@link #constant}. */
  private final Map<FlavorClass, Table> tables;

  private final boolean constant;

  private Satisfiability(Map<FlavorClass, Table> tables, boolean constant) {
    this.tables = tables;
    this.constant = constant;
  }

  private static Satisfiability constant(boolean value) {
    return new Satisfiability(null, value);
  }

  boolean satisfiable() {
    if (tables == null) {
      return constant;
    }
    return tables.values().stream().anyMatch(t -> t.values.contains(true));
  }

  private static Satisfiability flavorOnly(String flavor, Table table) {
    Map<FlavorClass, Table> m = new HashMap<>();
    m.put(new FlavorClass.One(flavor), table);
    m.put(new FlavorClass.AllBut(Set.of(flavor)), new Table(List.of(), List.of(false)));
    return new Satisfiability(m, false);
  }

  private static Satisfiability cut(ExtendedVersion v, int side, boolean left, boolean right) {
    Point p = new Point(v.upstream(), v.downstream(), side);
    return flavorOnly(v.flavor(), new Table(List.of(p), List.of(left, right)));
  }

  static Satisfiability of(VersionRange range) {
    return switch (range) {
      case VersionRange.Any any -> constant(true);
      case VersionRange.None none -> constant(false);
      case VersionRange.Flavor(String f) -> flavorOnly(f, new Table(List.of(), List.of(true)));
      case VersionRange.Not(VersionRange a) -> of(a).negated();
      case VersionRange.And(VersionRange a, VersionRange b) -> and(of(a), of(b));
      case VersionRange.Or(VersionRange a, VersionRange b) -> or(of(a), of(b));
      case VersionRange.Anchor(Operator op, ExtendedVersion v) ->
          switch (op) {
            case EQ -> and(cut(v, -1, false, true), cut(v, 1, true, false));
            case NEQ -> and(cut(v, -1, false, true), cut(v, 1, true, false)).negated();
            case LT -> cut(v, -1, true, false);
            case LTE -> cut(v, 1, true, false);
            case GT -> cut(v, 1, false, true);
            case GTE -> cut(v, -1, false, true);
          };
    };
  }

  private Satisfiability negated() {
    if (tables == null) {
      return constant(!constant);
    }
    Map<FlavorClass, Table> m = new HashMap<>();
    tables.forEach((k, t) -> m.put(k, t.negated()));
    return new Satisfiability(m, false);
  }

  static Satisfiability and(Satisfiability a, Satisfiability b) {
    if (a.tables == null) {
      return a.constant ? b : a;
    }
    if (b.tables == null) {
      return b.constant ? a : b;
    }
    Map<FlavorClass, Table> out = new HashMap<>();
    a.tables.forEach((fa, ta) ->
        b.tables.forEach((fb, tb) -> {
          FlavorClass f = FlavorClass.meet(fa, fb);
          if (f != null) {
            out.merge(f, Table.zip(ta, tb, Boolean::logicalAnd), Satisfiability::union);
          }
        }));
    return new Satisfiability(out, false);
  }

  static Satisfiability or(Satisfiability a, Satisfiability b) {
    if (a.tables == null) {
      return a.constant ? a : b;
    }
    if (b.tables == null) {
      return b.constant ? b : a;
    }
    Map<FlavorClass, Table> out = new HashMap<>(a.tables);
    b.tables.forEach((f, t) -> out.merge(f, t, Satisfiability::union));
    return new Satisfiability(out, false);
  }

  private static Table union(Table x, Table y) {
    return Table.zip(x, y, Boolean::logicalOr);
  }
}
