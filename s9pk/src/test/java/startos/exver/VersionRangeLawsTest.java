package startos.exver;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The server's property tests ({@code crates/exver/src/test.rs}) as seeded random checks: boolean
 * algebra laws under {@code satisfies}, printing round trips, and satisfiability.
 */
class VersionRangeLawsTest {
  private static final long SEED = 20261122L;
  private static final int RUNS = 3_000;

  private final SplittableRandom rnd = new SplittableRandom(SEED);

  private String flavor() {
    return rnd.nextBoolean() ? "" : List.of("a", "b", "knots").get(rnd.nextInt(3));
  }

  private Version version() {
    List<Long> numbers = new ArrayList<>();
    int n = 1 + rnd.nextInt(3);
    for (int i = 0; i < n; i++) {
      numbers.add((long) rnd.nextInt(4));
    }
    List<PrereleaseSegment> pre = new ArrayList<>();
    int p = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(2) : 0;
    for (int i = 0; i < p; i++) {
      pre.add(
          rnd.nextBoolean()
              ? PrereleaseSegment.of(rnd.nextInt(3))
              : PrereleaseSegment.of(List.of("a", "b", "rc-1").get(rnd.nextInt(3))));
    }
    return new Version(numbers, pre);
  }

  private ExtendedVersion exVersion() {
    return new ExtendedVersion(flavor(), version(), version());
  }

  private VersionRange range(int depth) {
    int c = rnd.nextInt(depth == 0 ? 10 : 16);
    if (c < 1) {
      return VersionRange.any();
    } else if (c < 2) {
      return VersionRange.none();
    } else if (c < 3) {
      return VersionRange.flavor(flavor());
    } else if (c < 10) {
      return VersionRange.anchor(List.of(Operator.values()).get(rnd.nextInt(6)), exVersion());
    } else if (c < 12) {
      return VersionRange.and(range(depth - 1), range(depth - 1));
    } else if (c < 14) {
      return VersionRange.or(range(depth - 1), range(depth - 1));
    } else {
      return VersionRange.not(range(depth - 1));
    }
  }

  private void forAll(Function<ExtendedVersion, Boolean> law) {
    for (int i = 0; i < 4; i++) {
      ExtendedVersion obs = exVersion();
      assertThat(law.apply(obs)).as("observed with %s (seed %d)", obs, SEED).isTrue();
    }
  }

  @Test
  void andOrAreAssociativeCommutativeAndDistributive() {
    for (int run = 0; run < RUNS; run++) {
      VersionRange a = range(2);
      VersionRange b = range(2);
      VersionRange c = range(2);
      forAll(o ->
          o.satisfies(VersionRange.and(a, VersionRange.and(b, c)))
              == o.satisfies(VersionRange.and(VersionRange.and(a, b), c)));
      forAll(o ->
          o.satisfies(VersionRange.or(a, VersionRange.or(b, c)))
              == o.satisfies(VersionRange.or(VersionRange.or(a, b), c)));
      forAll(o -> o.satisfies(VersionRange.and(a, b)) == o.satisfies(VersionRange.and(b, a)));
      forAll(o -> o.satisfies(VersionRange.or(a, b)) == o.satisfies(VersionRange.or(b, a)));
      forAll(o ->
          o.satisfies(VersionRange.and(a, VersionRange.or(b, c)))
              == o.satisfies(VersionRange.or(VersionRange.and(a, b), VersionRange.and(a, c))));
      forAll(o ->
          o.satisfies(VersionRange.or(a, VersionRange.and(b, c)))
              == o.satisfies(VersionRange.and(VersionRange.or(a, b), VersionRange.or(a, c))));
      forAll(o ->
          o.satisfies(VersionRange.not(VersionRange.or(a, b)))
              == o.satisfies(VersionRange.and(VersionRange.not(a), VersionRange.not(b))));
      forAll(o ->
          o.satisfies(VersionRange.not(VersionRange.and(a, b)))
              == o.satisfies(VersionRange.or(VersionRange.not(a), VersionRange.not(b))));
      forAll(o -> (o.satisfies(a) && o.satisfies(b)) == o.satisfies(VersionRange.and(a, b)));
      forAll(o -> (o.satisfies(a) || o.satisfies(b)) == o.satisfies(VersionRange.or(a, b)));
    }
  }

  @Test
  void anyAndNoneAreIdentitiesAndAnnihilators() {
    for (int run = 0; run < RUNS; run++) {
      VersionRange a = range(2);
      forAll(o -> o.satisfies(a) == o.satisfies(VersionRange.and(VersionRange.any(), a)));
      forAll(o -> o.satisfies(a) == o.satisfies(VersionRange.or(VersionRange.none(), a)));
      forAll(o -> !o.satisfies(VersionRange.and(VersionRange.none(), a)));
      forAll(o -> o.satisfies(VersionRange.or(VersionRange.any(), a)));
      forAll(o -> o.satisfies(VersionRange.any()) && !o.satisfies(VersionRange.none()));
    }
  }

  @Test
  void printedRangesParseBackToTheSameRange() {
    for (int run = 0; run < RUNS * 3; run++) {
      VersionRange a = range(3);
      VersionRange again = VersionRange.parse(a.toString());
      assertThat(again).as("parse(print(%s))", a).isEqualTo(a);
      forAll(o -> o.satisfies(a) == o.satisfies(again));
    }
  }

  @Test
  void aWitnessProvesSatisfiabilityAndIntersectionIsSymmetric() {
    int unsatisfiable = 0;
    for (int run = 0; run < RUNS; run++) {
      VersionRange a = range(3);
      VersionRange b = range(3);
      forAll(o -> !o.satisfies(a) || a.satisfiable());
      forAll(o -> !(o.satisfies(a) && o.satisfies(b)) || a.intersects(b));
      assertThat(a.intersects(b)).isEqualTo(b.intersects(a));
      assertThat(a.intersects(b)).isEqualTo(VersionRange.and(a, b).satisfiable());
      if (!a.satisfiable()) {
        unsatisfiable++;
      }
    }
    assertThat(unsatisfiable).as("the generator reaches empty ranges").isPositive();
  }
}
