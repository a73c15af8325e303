package startos.exver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VersionTest {

  @Test
  void missingComponentsCountAsZero() {
    assertThat(Version.parse("1")).isEqualTo(Version.parse("1.0.0"));
    assertThat(Version.parse("1")).hasSameHashCodeAs(Version.parse("1.0.0"));
    assertThat(Version.parse("1").compareTo(Version.parse("1.0.0"))).isZero();
    assertThat(Version.parse("1.0.0")).hasToString("1.0.0");
    assertThat(Version.parse("1.0.1")).isGreaterThan(Version.parse("1"));
  }

  @Test
  void prereleasesSortBeforeTheReleaseAndBySegments() {
    List<String> ordered =
        List.of(
            "1.0-1",
            "1.0-2",
            "1.0-10",
            "1.0-Z",
            "1.0-alpha",
            "1.0-alpha.1",
            "1.0-alpha.beta",
            "1.0-beta",
            "1.0-beta.2",
            "1.0-beta.11",
            "1.0-rc.1",
            "1.0-rc-1",
            "1.0",
            "1.0.1-a",
            "1.1");
    List<Version> shuffled = new ArrayList<>(ordered.stream().map(Version::parse).toList());
    Collections.shuffle(shuffled, new Random(7));
    Collections.sort(shuffled);
    assertThat(shuffled.stream().map(Version::toString)).containsExactlyElementsOf(ordered);
  }

  @Test
  void leadingZerosInNumbersAreReadAsTheServerDoes() {
    assertThat(Version.parse("01.002")).isEqualTo(Version.of(1, 2)).hasToString("1.2");
  }

  @Test
  void prereleaseMayHoldHyphensAndMixedText() {
    Version v = Version.parse("2.0-rc1-x.7");
    assertThat(v.prerelease())
        .containsExactly(PrereleaseSegment.of("rc1-x"), PrereleaseSegment.of(7));
    assertThat(v).hasToString("2.0-rc1-x.7");
  }

  @Test
  void badVersionsNameTheirProblem() {
    assertThatThrownBy(() -> Version.parse("1..2")).hasMessageContaining("position 2");
    assertThatThrownBy(() -> Version.parse("1.x")).hasMessageContaining("found 'x'");
    assertThatThrownBy(() -> Version.parse("1-")).hasMessageContaining("may not be empty");
    assertThatThrownBy(() -> Version.parse("1-a_b")).hasMessageContaining("'_' is not allowed");
    assertThatThrownBy(() -> Version.parse("1-00")).hasMessageContaining("leading zero");
    assertThatThrownBy(() -> Version.parse("")).isInstanceOf(ExverParseException.class);
  }

  @Test
  void extendedVersionsOfOtherFlavorsAreIncomparable() {
    ExtendedVersion knots = ExtendedVersion.parse("#knots:29.1:0");
    ExtendedVersion core = ExtendedVersion.parse("29.1:0");
    assertThat(knots.compare(core)).isEqualTo(PartialOrdering.INCOMPARABLE);
    assertThat(knots.flavorName()).contains("knots");
    assertThat(core.flavorName()).isEmpty();
    assertThat(knots).hasToString("#knots:29.1:0");
    for (Operator op : Operator.values()) {
      boolean expected = op == Operator.NEQ;
      assertThat(knots.satisfies(VersionRange.anchor(op, core)))
          .as(op.symbol())
          .isEqualTo(expected);
    }
    assertThat(knots.satisfies(VersionRange.parse("#knots"))).isTrue();
    assertThat(core.satisfies(VersionRange.parse("#knots"))).isFalse();
    assertThat(core.satisfies(VersionRange.parse("#"))).isTrue();
  }

  @Test
  void downstreamBreaksUpstreamTies() {
    assertThat(ExtendedVersion.parse("1.0:2").compare(ExtendedVersion.parse("1.0:10")))
        .isEqualTo(PartialOrdering.LESS);
    assertThat(ExtendedVersion.parse("1.1:0").compare(ExtendedVersion.parse("1.0:10")))
        .isEqualTo(PartialOrdering.GREATER);
    assertThat(ExtendedVersion.parse("1:0")).isEqualTo(ExtendedVersion.parse("1.0:0.0"));
  }

  @Test
  void plainVersionSatisfiesAsUnflavoredWithDownstreamZero() {
    assertThat(Version.parse("1.5").satisfies(VersionRange.parse("^1"))).isTrue();
    assertThat(Version.parse("1.5").satisfies(VersionRange.parse(">1.5:0"))).isFalse();
    assertThat(Version.parse("1.5").satisfies(VersionRange.parse("#knots"))).isFalse();
  }

  @Test
  void extendedVersionNeedsADownstream() {
    assertThatThrownBy(() -> ExtendedVersion.parse("1.2.3"))
        .isInstanceOf(ExverParseException.class)
        .hasMessageContaining("missing downstream version");
    assertThatThrownBy(() -> ExtendedVersion.parse("#Knots:1:0"))
        .hasMessageContaining("position 1")
        .hasMessageContaining("lowercase");
    assertThatThrownBy(() -> ExtendedVersion.parse("1:0:0")).hasMessageContaining("position 3");
    assertThat(ExtendedVersion.parse("#:1:0")).isEqualTo(ExtendedVersion.parse("1:0"));
  }

  @Test
  void sortOrderIsTotalAcrossFlavors() {
    List<ExtendedVersion> list =
        new ArrayList<>(
            List.of(
                ExtendedVersion.parse("#b:1:0"),
                ExtendedVersion.parse("2:0"),
                ExtendedVersion.parse("#a:3:0"),
                ExtendedVersion.parse("1:1")));
    list.sort(ExtendedVersion.SORT_ORDER);
    assertThat(list.stream().map(ExtendedVersion::toString))
        .containsExactly("1:1", "2:0", "#a:3:0", "#b:1:0");
  }
}
