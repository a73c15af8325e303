package startos.patchdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static startos.patchdb.Json.json;

import java.util.List;
import org.junit.jupiter.api.Test;

class JsonPointerTest {
  @Test
  void escapesAreDecodedTildeZeroAndTildeOneOnly() {
    assertThat(JsonPointers.parse("/a~1b/m~0n/~01")).containsExactly("a/b", "m~n", "~1");
    assertThat(JsonPointers.parse("")).isEmpty();
    assertThat(JsonPointers.parse("/")).containsExactly("");
    assertThat(JsonPointers.parse("//x/")).containsExactly("", "x", "");
  }

  @Test
  void formattingEscapesTildeBeforeSlashAndRoundTrips() {
    assertThat(JsonPointers.escape("~/")).isEqualTo("~0~1");
    List<String> tokens = List.of("a/b", "~1", "", "plain");
    assertThat(JsonPointers.parse(JsonPointers.format(tokens))).isEqualTo(tokens);
    assertThat(JsonPointers.join("/public", "package/data", "x"))
        .isEqualTo("/public/package~1data/x");
  }

  @Test
  void malformedPointersAreRejectedWithTheReason() {
    assertThatThrownBy(() -> JsonPointers.parse("public"))
        .isInstanceOf(PatchDbException.class)
        .hasMessageContaining("'public'")
        .hasMessageContaining("start with '/'");
    assertThatThrownBy(() -> JsonPointers.parse("/a~2"))
        .isInstanceOf(PatchDbException.class)
        .hasMessageContaining("must be followed by '0' or '1'");
    assertThatThrownBy(() -> JsonPointers.parse("/a~")).isInstanceOf(PatchDbException.class);
  }

  @Test
  void resolvingFollowsObjectsAndCanonicalArrayIndexesOnly() {
    var doc = json("{'a':[10,{'b':'c'}],'':{'':1},'m~n':2}");
    assertThat(JsonPointers.get(doc, "/a/1/b")).contains(json("'c'"));
    assertThat(JsonPointers.get(doc, "//")).contains(json("1"));
    assertThat(JsonPointers.get(doc, "/m~0n")).contains(json("2"));
    assertThat(JsonPointers.get(doc, "/a/01")).isEmpty();
    assertThat(JsonPointers.get(doc, "/a/2")).isEmpty();
    assertThat(JsonPointers.get(doc, "/a/-")).isEmpty();
    assertThat(JsonPointers.get(doc, "/a/0/x")).isEmpty();
  }
}
