package startos.exver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fixed cases of StartOS's own test suites: {@code start-core/lib/test/exver.test.ts} (SDK) and
 * {@code crates/exver/src/test.rs} (server).
 */
class SdkAndServerVectorsTest {

  private static boolean sat(String range, String version) {
    return ExtendedVersion.parse(version).satisfies(VersionRange.parse(range));
  }

  private static void assertRange(String range, List<String> inside, List<String> outside) {
    for (String v : inside) {
      assertThat(sat(range, v)).as("%s should satisfy %s", v, range).isTrue();
    }
    for (String v : outside) {
      assertThat(sat(range, v)).as("%s should not satisfy %s", v, range).isFalse();
    }
  }

  /** Equivalent iff no version lies in exactly one of them (decided exactly, flavors included). */
  static boolean equivalent(VersionRange a, VersionRange b) {
    VersionRange onlyA = VersionRange.and(a, VersionRange.not(b));
    VersionRange onlyB = VersionRange.and(VersionRange.not(a), b);
    return !VersionRange.or(onlyA, onlyB).satisfiable();
  }

  @Test
  void starAcceptsEveryVersion() {
    assertRange(
        "*", List.of("1:0", "1.2:0", "1.2.3:0", "1.2.3:4", "1.2.3:4.5", "1.2.3:4.5.6"), List.of());
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "", "1..3"})
  void malformedExtendedVersionsAreRejected(String text) {
    assertThatThrownBy(() -> ExtendedVersion.parse(text)).isInstanceOf(ExverParseException.class);
  }

  @Test
  void greaterThanComparesUpstreamThenDownstream() {
    assertRange(
        ">1.2.3:4",
        List.of("2-beta.123:0", "2:0", "1.2.3:5", "1.2.3:4.1"),
        List.of("1.2.3:4", "1.2.3:0", "1:0"));
  }

  @Test
  void equalsPadsWithZerosButChecksDownstream() {
    assertRange("=1.2.3", List.of("1.2.3:0"), List.of("2:0", "1.2.3:1", "1.2:0"));
    assertRange("=1", List.of("1.0.0:0"), List.of("1.0.1:0", "1.0.0:1"));
  }

  @Test
  void inclusiveAndExclusiveBounds() {
    assertRange(
        ">=1.2.3:4", List.of("2:0", "1.2.3:5", "1.2.3:4.1", "1.2.3:4"), List.of("1.2.3:0", "1:0"));
    assertRange(
        "<1.2.3:4", List.of("1.2.3:0", "1:0"), List.of("2:0", "1.2.3:5", "1.2.3:4.1", "1.2.3:4"));
    assertRange(
        "<=1.2.3:4", List.of("1.2.3:0", "1:0", "1.2.3:4"), List.of("2:0", "1.2.3:5", "1.2.3:4.1"));
  }

  @Test
  void combinedWithAndOrMethods() {
    VersionRange and = VersionRange.and(VersionRange.parse(">1"), VersionRange.parse("<=2"));
    assertThat(ExtendedVersion.parse("2:0").satisfies(and)).isTrue();
    assertThat(ExtendedVersion.parse("1.1:0").satisfies(and)).isTrue();
    assertThat(ExtendedVersion.parse("2.1:0").satisfies(and)).isFalse();
    assertThat(ExtendedVersion.parse("1:0").satisfies(and)).isFalse();
    VersionRange or = VersionRange.or(VersionRange.parse("<1"), VersionRange.parse("=2"));
    assertThat(ExtendedVersion.parse("2:0").satisfies(or)).isTrue();
    assertThat(ExtendedVersion.parse("0.1:0").satisfies(or)).isTrue();
    assertThat(ExtendedVersion.parse("2.1:0").satisfies(or)).isFalse();
    assertThat(ExtendedVersion.parse("1:0").satisfies(or)).isFalse();
    assertThat(ExtendedVersion.parse("1.1:0").satisfies(or)).isFalse();
  }

  @Test
  void tildeAllowsPatchUpdatesOnly() {
    List<String> inside = List.of("1.2:0", "1.2.1:0");
    List<String> outside = List.of("1.3:0", "1.3.1:0", "1.1.1:0", "1.1:0", "1:0", "2:0");
    assertRange("~1.2", inside, outside);
    assertRange("!~1.2", outside, inside);
    VersionRange negated = VersionRange.not(VersionRange.parse("~1.2"));
    assertThat(outside).allMatch(v -> ExtendedVersion.parse(v).satisfies(negated));
    assertThat(inside).noneMatch(v -> ExtendedVersion.parse(v).satisfies(negated));
  }

  @Test
  void negatedGreaterThan() {
    assertRange(
        "!>1.2.3:4", List.of("1.2.3:4", "1.2.3:0", "1:0"), List.of("2:0", "1.2.3:5", "1.2.3:4.1"));
  }

  @Test
  void exactAnchorsAndAlternatives() {
    assertRange(">1 && =1.2", List.of("1.2:0"), List.of("1.2.1:0"));
    assertRange("=1 || =2", List.of("1:0", "2:0"), List.of("1.2:0", "1.2.3:0", "3:0"));
    assertRange(">1 && =1.2 || =2", List.of("1.2:0", "2:0"), List.of("1:0", "3:0"));
  }

  @Test
  void operatorsFoldLeftWithoutPrecedence() {
    // ((<1.5 && >1) || >1.5) && <3
    assertRange(
        "<1.5 && >1 || >1.5 && <3", List.of("1.1:0", "2:0"), List.of("1.5:0", "1:0", "3:0"));
  }

  @Test
  void compareOrdersByUpstream() {
    ExtendedVersion a = ExtendedVersion.parse("1.2.3:0");
    ExtendedVersion b = ExtendedVersion.parse("1.2.4:0");
    assertThat(a.compare(b)).isEqualTo(PartialOrdering.LESS);
    assertThat(b.compare(a)).isEqualTo(PartialOrdering.GREATER);
    assertThat(a.compare(a)).isEqualTo(PartialOrdering.EQUAL);
  }

  /** The SDK's normalize() vectors, checked as exact equivalences (we have no normalizer). */
  @ParameterizedTest
  @CsvSource(
      delimiterString = " => ",
      value = {
        "=2.0 => =2.0:0",
        "=1 && =2 => !",
        "!(=1 && =2) => *",
        "!=1 || !=2 => *",
        "(!=#foo:1 || !=#foo:2) && #foo => #foo",
        "!=#foo:1 || !=#bar:2 => <#foo:1:0 || >#foo:1:0 || !#foo || <#bar:2:0 || >#bar:2:0 || !#bar",
        "!(=1 || =2) => <1:0 || (>1:0 && <2:0) || >2:0 || !#",
        "=1 && (=2 || =3) => !",
        "=1 && (=1 || =2) => =1:0",
        "=#foo:1 && =#bar:1 => !",
        "!(=#foo:1) && !(=#bar:1) => <#foo:1:0 || >#foo:1:0 || <#bar:1:0 || >#bar:1:0 || (!#foo && !#bar)",
        "!(=#foo:1) && !(=#bar:1) && >2 => >2:0",
        "~1.2.3 => >=1.2.3:0 && <1.3.0:0",
        "^1.2.3 => >=1.2.3:0 && <2.0.0:0",
        "^1.2.3 && >=1 && >=1.2 && >=1.3 => >=1.3:0 && <2.0.0:0",
        "(>=1.0 && <1.1) || (>=1.1 && <1.2) || (>=1.2 && <1.3) => >=1.0:0 && <1.3:0",
        ">1 || <2 => #",
        "=1 && =1.2 && =1.2.3 => !",
        "=1 || =1.2 || =1.2.3 => =1:0 || =1.2:0 || =1.2.3:0",
      })
  void sdkNormalizationsAreEquivalences(String input, String normalized) {
    assertThat(equivalent(VersionRange.parse(input), VersionRange.parse(normalized))).isTrue();
  }

  @Test
  void disjointBoundsAreUnsatisfiable() {
    assertThat(VersionRange.any().satisfiable()).isTrue();
    assertThat(VersionRange.none().satisfiable()).isFalse();
    ExtendedVersion v = ExtendedVersion.parse("1.0:0");
    for (Operator op : Operator.values()) {
      assertThat(VersionRange.anchor(op, v).satisfiable()).as(op.symbol()).isTrue();
    }
    VersionRange r =
        VersionRange.and(
            VersionRange.anchor(Operator.GTE, ExtendedVersion.parse("2.0:0")),
            VersionRange.anchor(Operator.LT, ExtendedVersion.parse("1.0:0")));
    assertThat(r.satisfiable()).isFalse();
  }

  @Test
  void differentFlavorsNeverOverlap() {
    VersionRange knots = VersionRange.parse("^#knots:29:0");
    VersionRange core = VersionRange.parse("<=29.3:10");
    assertThat(knots.satisfiable()).isTrue();
    assertThat(core.satisfiable()).isTrue();
    assertThat(VersionRange.and(knots, core).satisfiable()).isFalse();
    assertThat(knots.intersects(core)).isFalse();
    VersionRange a = VersionRange.exactly(ExtendedVersion.parse("#a:1:0"));
    VersionRange b = VersionRange.exactly(ExtendedVersion.parse("#b:1:0"));
    assertThat(VersionRange.and(a, b).satisfiable()).isFalse();
    assertThat(VersionRange.parse(">=#bitcoin:1:0").intersects(VersionRange.parse("<#bitcoin:5:0")))
        .isTrue();
  }

  @Test
  void caretOfFourComponentsPrintsLikeTheServer() {
    assertThat(VersionRange.parse("^1.2.3.4")).hasToString(">=1.2.3.4:0 <2:0");
  }
}
