package startos.exver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VersionRangeParsingTest {

  private static VersionRange r(String text) {
    return VersionRange.parse(text);
  }

  @Test
  void juxtapositionMeansAndAtTheStart() {
    assertThat(r("1 2")).isEqualTo(r("1 && 2"));
    assertThat(r(">=1 <2")).isEqualTo(r(">=1 && <2"));
  }

  @Test
  void juxtapositionRepeatsTheLastOperatorLikeTheServer() {
    // The server (Rust) reads "a || b c" as (a || b) || c; the SDK (TypeScript) would read AND.
    assertThat(r("=1 || =2 =3")).isEqualTo(r("(=1 || =2) || =3"));
    assertThat(r("=1 && =2 =3")).isEqualTo(r("(=1 && =2) && =3"));
    // each parenthesis level starts again with AND
    assertThat(r("=1 || (=2 =3)")).isEqualTo(r("=1 || (=2 && =3)"));
  }

  @Test
  void operatorsHaveNoPrecedence() {
    assertThat(r("=1 && =2 || =3 && =4")).isEqualTo(r("((=1 && =2) || =3) && =4"));
    assertThat(r("=1 || =2 && =3")).isEqualTo(r("(=1 || =2) && =3"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiterString = " => ",
      value = {
        "^1 => >=1:0 <2:0",
        "1.2.3 => >=1.2.3:0 <2:0",
        "^1.2.3:4 => >=1.2.3:4 <2:0",
        "^0.2.3 => >=0.2.3:0 <0.3:0",
        "^0.0.3 => >=0.0.3:0 <0.0.4:0",
        "^0 => >=0:0 <1:0",
        "^#knots:29:0 => >=#knots:29:0 <#knots:30:0",
        "^1.2.3-beta => >=1.2.3-beta:0 <2-beta:0",
        "~1.2.3 => >=1.2.3:0 <1.3:0",
        "~1.2 => >=1.2:0 <1.3:0",
        "~1 => >=1:0 <1.1:0",
        "~0.0.3 => >=0.0.3:0 <0.0.3.1:0",
        "=1 || =2 => =1:0 || =2:0",
        ">= 1.0 => >=1.0:0",
        "!=1 => !=1:0",
        "!=1 => !=1:0",
        "!>1 => !>1:0",
        "!#foo => !(#foo)",
        "# => #",
        "#foo && >1 => (#foo) >1:0",
        "* && =1 => =1:0",
        "! || =1 => =1:0",
        "* || =1 => *",
        "! && =1 => !",
        "!! => *",
        "!* => !",
        "! => !",
        "!(=1 || =2) => !=1:0 !=2:0",
        "!(>1 && <2) => (!>1:0) || (!<2:0)",
        "!!>1 => >1:0",
        "(=1 || =2) =3 => (=1:0 || =2:0) =3:0",
        "=1 (=2 || =3) => =1:0 (=2:0 || =3:0)",
        "=#a:1.0-rc.1:2.1 => =#a:1.0-rc.1:2.1",
        "=#:1 => =1:0",
        "' 1' => >=1:0 <2:0",
        "'1   ' => >=1:0 <2:0",
        "(  =1   ||=2 ) => =1:0 || =2:0",
        "01 => (>=0:0 <1:0) (>=1:0 <2:0)",
      })
  void printsLikeTheServer(String input, String printed) {
    VersionRange range = r(input);
    assertThat(range).hasToString(printed);
    assertThat(r(range.toString())).as("parse(print(x)) == x").isEqualTo(range);
  }

  @ParameterizedTest
  @CsvSource(
      delimiterString = " => ",
      value = {
        "'' => 0 => expected a version range (a version, an operator, '(', '!', '*' or '#flavor'), found end of input",
        ">= => 2 => expected a version after '>='",
        "1.2 && => 6 => found end of input",
        "(1 => 2 => expected '&&' or '||' or a version range",
        "1) => 1 => found ')'",
        "1..3 => 2 => expected a number after '.', found '.'",
        "1.2. => 4 => expected a number after '.', found end of input",
        "a => 0 => found 'a'",
        "#A:1 => 1 => found 'A'",
        "#a:x => 3 => expected a version after '#a:'",
        "1-01 => 2 => numeric prerelease segment \"01\" has a leading zero",
        "1-a..b => 4 => expected a prerelease segment, found '.'",
        "' *' => 0 => found ' '",
        "1 |& 2 => 2 => found '|'",
        "18446744073709551616 => 0 => does not fit in 64 bits",
        "1\t2 => 1 => found '\t'",
      })
  void rejectsWithPositionAndExpectation(String input, int position, String message) {
    assertThatThrownBy(() -> r(input))
        .isInstanceOf(ExverParseException.class)
        .hasMessageContaining(message)
        .hasMessageContaining("position " + position)
        .satisfies(e -> assertThat(((ExverParseException) e).position()).isEqualTo(position));
  }

  @Test
  void largestUnsignedNumberIsAccepted() {
    assertThat(r("=18446744073709551615")).hasToString("=18446744073709551615:0");
    assertThat(
            Version.parse("18446744073709551615").compareTo(Version.parse("9223372036854775808")))
        .isPositive();
  }
}
