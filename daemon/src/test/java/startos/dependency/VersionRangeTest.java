package startos.dependency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Exver ranges read as StartOS's exver grammar reads them. */
class VersionRangeTest {
  private static boolean in(String version, String range) {
    return VersionRange.parse(range).satisfiedBy(ExVersion.parse(version));
  }

  @Test
  void comparisonAnchorsCompareUpstreamThenDownstream() {
    assertThat(in("1.0.0:0", ">=1.0.0:0")).isTrue();
    assertThat(in("0.9.9:5", ">=1.0.0:0")).isFalse();
    assertThat(in("1.0.0:1", ">1.0.0:0")).isTrue();
    assertThat(in("1.0.0:0", ">1.0.0")).isFalse();
    assertThat(in("1.0:0", "=1.0.0:0")).as("trailing zeros do not count").isTrue();
    assertThat(in("2.0.0:0", "<2.0.0:0")).isFalse();
    assertThat(in("1.9.9:0", "<=2:0")).isTrue();
    assertThat(in("1.2.3:0", "!=1.2.3:0")).isFalse();
  }

  @Test
  void aBareVersionMeansCaretAndTildeBoundsTheMinor() {
    assertThat(in("1.9.0:0", "1.2.0")).isTrue();
    assertThat(in("2.0.0:0", "1.2.0")).isFalse();
    assertThat(in("0.2.9:0", "^0.2.1")).isTrue();
    assertThat(in("0.3.0:0", "^0.2.1")).isFalse();
    assertThat(in("1.2.9:0", "~1.2.3")).isTrue();
    assertThat(in("1.3.0:0", "~1.2.3")).isFalse();
  }

  @Test
  void prereleasesSortBelowTheirRelease() {
    assertThat(in("1.0.0-beta.1:0", ">=1.0.0:0")).isFalse();
    assertThat(in("1.0.0-beta.2:0", ">1.0.0-beta.1:0")).isTrue();
    assertThat(in("1.0.0-beta.10:0", ">1.0.0-beta.9:0")).as("numeric ids by value").isTrue();
    assertThat(in("1.0.0-alpha:0", "<1.0.0-1:0")).as("numbers below letters").isFalse();
  }

  @Test
  void combinatorsFoldLeftAndJuxtapositionIsAnd() {
    assertThat(in("1.5.0:0", ">=1.0.0 <2.0.0")).isTrue();
    assertThat(in("2.5.0:0", ">=1.0.0 && <2.0.0")).isFalse();
    assertThat(in("3.0.0:0", "<1.0.0 || >=3.0.0")).isTrue();
    assertThat(in("1.5.0:0", "!(>=1.0.0 && <2.0.0)")).isFalse();
    assertThat(in("9.9.9:9", "*")).isTrue();
    assertThat(in("9.9.9:9", "!")).isFalse();
  }

  @Test
  void flavorsOnlyMatchTheirOwnFlavor() {
    assertThat(in("#knots:27.0.0:0", ">=27.0.0:0")).isFalse();
    assertThat(in("#knots:27.0.0:0", ">=#knots:26.0.0:0")).isTrue();
    assertThat(in("#knots:27.0.0:0", "#knots")).isTrue();
    assertThat(in("27.0.0:0", "#knots")).isFalse();
    assertThat(in("#knots:27.0.0:0", "!=27.0.0:0")).as("other flavors are unequal").isTrue();
  }

  @Test
  void satisfiesEntriesCountLikeTheVersionItself() {
    VersionRange r = VersionRange.parse(">=2.0.0:0");
    assertThat(r.satisfiedByAny(ExVersion.parse("1.5.0:0"), List.of(ExVersion.parse("2.0.0:0"))))
        .isTrue();
    assertThat(r.satisfiedByAny(ExVersion.parse("1.5.0:0"), List.of())).isFalse();
  }

  @Test
  void aBadRangeIsRefusedWithASentenceNamingIt() {
    assertThatThrownBy(() -> VersionRange.parse(">=1.0.x"))
        .hasMessageContaining("\">=1.0.x\" is not a version range");
    assertThatThrownBy(() -> VersionRange.parse("(>=1.0.0"))
        .hasMessageContaining("\"(\" is not closed");
    assertThatThrownBy(() -> VersionRange.parse("")).hasMessageContaining("a version was expected");
    assertThatThrownBy(() -> VersionRange.parse("(".repeat(100) + "1" + ")".repeat(100)))
        .hasMessageContaining("nested deeper than");
    assertThatThrownBy(() -> VersionRange.parse("1".repeat(2000)))
        .hasMessageContaining("at most 1024 characters");
    assertThatThrownBy(() -> ExVersion.parse("1.0.0"))
        .hasMessageContaining("no downstream version");
  }
}
