package startos.patchdb;

import static org.assertj.core.api.Assertions.assertThat;
import static startos.patchdb.Json.json;
import static startos.patchdb.Json.patch;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ScopeTest {
  private static JsonNode scoped(String patch, String pointer) {
    return JsonPatches.scope(patch(patch), JsonPointer.parse(pointer));
  }

  @Test
  void opsUnderThePointerAreReRooted() {
    assertThat(
            scoped(
                "[{'op':'replace','path':'/public/a/b','value':1},"
                    + "{'op':'remove','path':'/public/a/c'},{'op':'add','path':'/public/a','value':2}]",
                "/public/a"))
        .isEqualTo(
            patch(
                "[{'op':'replace','path':'/b','value':1},{'op':'remove','path':'/c'},"
                    + "{'op':'add','path':'','value':2}]"));
  }

  @Test
  void addOrReplaceOfAnAncestorCarriesTheSubValueOrNull() {
    assertThat(scoped("[{'op':'add','path':'/public','value':{'a':{'b':[7]}}}]", "/public/a/b"))
        .isEqualTo(patch("[{'op':'add','path':'','value':[7]}]"));
    assertThat(scoped("[{'op':'replace','path':'/public/a','value':{'x':1}}]", "/public/a/b"))
        .isEqualTo(patch("[{'op':'replace','path':'','value':null}]"));
    assertThat(scoped("[{'op':'replace','path':'','value':{'public':{'a':3}}}]", "/public/a"))
        .isEqualTo(patch("[{'op':'replace','path':'','value':3}]"));
  }

  @Test
  void removingAnAncestorOrThePointerItselfReplacesTheRootWithNull() {
    assertThat(scoped("[{'op':'remove','path':'/public'}]", "/public/a"))
        .isEqualTo(patch("[{'op':'replace','path':'','value':null}]"));
    assertThat(scoped("[{'op':'remove','path':'/public/a'}]", "/public/a"))
        .isEqualTo(patch("[{'op':'replace','path':'','value':null}]"));
  }

  @Test
  void unrelatedOpsAreDroppedIncludingSiblingsThatShareATextPrefix() {
    assertThat(
            scoped(
                "[{'op':'add','path':'/private/x','value':1},"
                    + "{'op':'remove','path':'/public/ab'},{'op':'replace','path':'/public/b','value':1}]",
                "/public/a"))
        .isEmpty();
  }

  @Test
  void scopedPatchesReproduceTheValueAtThePointerForRandomChanges() {
    Random random = new Random(7);
    List<String> pointers =
        List.of("", "/a", "/b", "/a/0", "/a/b", "/a/1/c", "/x~1y", "/0", "/a/", "/missing/deep");
    for (int round = 0; round < 2000; round++) {
      JsonNode from = Json.randomObject(random, 4);
      JsonNode to = Json.edit(random, from.deepCopy(), 1 + round % 4);
      var diff = JsonPatches.diff(from, to);
      for (String text : pointers) {
        JsonPointer pointer = JsonPointer.parse(text);
        JsonNode before = JsonPatches.copyAt(from, pointer);
        JsonNode after = JsonPatches.apply(before, JsonPatches.scope(diff, pointer));
        assertThat(JsonPatches.equal(after, JsonPatches.copyAt(to, pointer)))
            .as("pointer '%s', %s -> %s via %s", text, from, to, diff)
            .isTrue();
      }
    }
  }

  @Test
  void nothingIsLostWhenARemovedTailElementIsWatched() {
    var diff = JsonPatches.diff(json("{'l':[0,1,2,3]}"), json("{'l':[0]}"));
    assertThat(JsonPatches.scope(diff, JsonPointer.parse("/l/2")))
        .isEqualTo(patch("[{'op':'replace','path':'','value':null}]"));
  }
}
