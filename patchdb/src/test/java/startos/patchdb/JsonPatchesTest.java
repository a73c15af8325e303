package startos.patchdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static startos.patchdb.Json.json;
import static startos.patchdb.Json.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonPatchesTest {
  private static void assertPatched(String doc, String patch, String expected) {
    JsonNode before = json(doc);
    JsonNode result = JsonPatches.apply(before, patch(patch));
    assertThat(result).isEqualTo(json(expected));
    assertThat(before).as("input left untouched").isEqualTo(json(doc));
  }

  private static void assertRejected(String doc, String patch, String message) {
    JsonNode before = json(doc);
    assertThatThrownBy(() -> JsonPatches.apply(before, patch(patch)))
        .isInstanceOf(PatchDbException.class)
        .hasMessageContaining(message);
    assertThat(before).isEqualTo(json(doc));
  }

  // RFC 6902 appendix A, example by example.
  @Test
  void rfc6902AppendixA() {
    assertPatched(
        "{'foo':'bar'}", "[{'op':'add','path':'/baz','value':'qux'}]", "{'baz':'qux','foo':'bar'}");
    assertPatched(
        "{'foo':['bar','baz']}",
        "[{'op':'add','path':'/foo/1','value':'qux'}]",
        "{'foo':['bar','qux','baz']}");
    assertPatched("{'baz':'qux','foo':'bar'}", "[{'op':'remove','path':'/baz'}]", "{'foo':'bar'}");
    assertPatched(
        "{'foo':['bar','qux','baz']}",
        "[{'op':'remove','path':'/foo/1'}]",
        "{'foo':['bar','baz']}");
    assertPatched(
        "{'baz':'qux','foo':'bar'}",
        "[{'op':'replace','path':'/baz','value':'boo'}]",
        "{'baz':'boo','foo':'bar'}");
    assertPatched(
        "{'foo':{'bar':'baz','waldo':'fred'},'qux':{'corge':'grault'}}",
        "[{'op':'move','from':'/foo/waldo','path':'/qux/thud'}]",
        "{'foo':{'bar':'baz'},'qux':{'corge':'grault','thud':'fred'}}");
    assertPatched(
        "{'foo':['all','grass','cows','eat']}",
        "[{'op':'move','from':'/foo/1','path':'/foo/3'}]",
        "{'foo':['all','cows','eat','grass']}");
    assertPatched(
        "{'baz':'qux','foo':['a',2,'c']}",
        "[{'op':'test','path':'/baz','value':'qux'},{'op':'test','path':'/foo/1','value':2}]",
        "{'baz':'qux','foo':['a',2,'c']}");
    assertRejected("{'baz':'qux'}", "[{'op':'test','path':'/baz','value':'bar'}]", "test failed");
    assertPatched(
        "{'foo':'bar'}",
        "[{'op':'add','path':'/child','value':{'grandchild':{}}}]",
        "{'foo':'bar','child':{'grandchild':{}}}");
    assertPatched(
        "{'foo':'bar'}",
        "[{'op':'add','path':'/baz','value':'qux','xyz':123}]",
        "{'foo':'bar','baz':'qux'}");
    assertRejected(
        "{'foo':'bar'}",
        "[{'op':'add','path':'/baz/bat','value':'qux'}]",
        "parent '/baz' of the target does not exist");
    // A.13: with duplicate keys Jackson keeps the last 'op', a remove of a missing member
    assertRejected(
        "{'foo':'bar'}",
        "[{'op':'add','path':'/baz','value':'qux','op':'remove'}]",
        "does not exist");
    assertPatched("{'/':9,'~1':10}", "[{'op':'test','path':'/~01','value':10}]", "{'/':9,'~1':10}");
    assertRejected("{'/':9,'~1':10}", "[{'op':'test','path':'/~01','value':'10'}]", "test failed");
    assertPatched(
        "{'foo':['bar']}",
        "[{'op':'add','path':'/foo/-','value':['abc','def']}]",
        "{'foo':['bar',['abc','def']]}");
  }

  @Test
  void rootOperationsReplaceTheWholeDocument() {
    assertPatched("{'a':1}", "[{'op':'add','path':'','value':[1]}]", "[1]");
    assertPatched("{'a':1}", "[{'op':'replace','path':'','value':{'b':2}}]", "{'b':2}");
    assertPatched(
        "{'a':{'b':1}}", "[{'op':'copy','from':'/a','path':'/c'}]", "{'a':{'b':1},'c':{'b':1}}");
    assertPatched("{'a':1}", "[{'op':'move','from':'/a','path':'/a'}]", "{'a':1}");
    assertPatched("{'n':1}", "[{'op':'test','path':'/n','value':1.0}]", "{'n':1}");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "[{'path':'/a'}]                                   | patch operation 0 (? '/a'): missing 'op'",
        "[{'op':'add','path':'/a'}]                        | missing 'value'",
        "[{'op':'jump','path':'/a'}]                       | unknown op 'jump'",
        "[{'op':'add','value':1}]                          | missing 'path'",
        "[{'op':'add','path':'a','value':1}]               | must be empty or start with '/'",
        "[{'op':'remove','path':'/missing'}]               | path '/missing' does not exist",
        "[{'op':'replace','path':'/l/5','value':1}]        | array index 5 is out of bounds",
        "[{'op':'add','path':'/l/01','value':1}]           | '01' is not a valid array index",
        "[{'op':'remove','path':''}]                       | cannot remove the document root",
        "[{'op':'move','from':'/o','path':'/o/x'}]         | into one of its own children",
        "[{'op':'copy','from':'/nope','path':'/x'}]        | path '/nope' does not exist",
        "[{'op':'add','path':'/s/x','value':1}]            | parent '/s' is neither an object nor an array",
        "[{'op':'add','path':'/x','value':1}, 5]           | patch operation 1",
      })
  void badOperationsNameTheOperationAndTheProblem(String patch, String message) {
    assertRejected("{'l':[1],'o':{},'s':'text'}", patch, message);
  }

  @Test
  void diffFollowsStartOsShapeObjectsByKeyArraysByIndexTailEdits() {
    JsonNode from =
        json(
            "{'title':'Goodbye!','author':{'givenName':'John','familyName':'Doe'},"
                + "'tags':['example','sample','extra'],'content':'same'}");
    JsonNode to =
        json(
            "{'title':'Hello!','author':{'givenName':'John'},'tags':['example'],"
                + "'content':'same','phoneNumber':'+01'}");
    assertThat(JsonPatches.diff(from, to))
        .isEqualTo(
            patch(
                "["
                    + "{'op':'remove','path':'/author/familyName'},"
                    + "{'op':'add','path':'/phoneNumber','value':'+01'},"
                    + "{'op':'remove','path':'/tags/2'},{'op':'remove','path':'/tags/1'},"
                    + "{'op':'replace','path':'/title','value':'Hello!'}]"));
    assertThat(JsonPatches.diff(json("[1,{'a':1}]"), json("[2,{'a':2},3,4]")))
        .isEqualTo(
            patch(
                "["
                    + "{'op':'replace','path':'/0','value':2},{'op':'replace','path':'/1/a','value':2},"
                    + "{'op':'add','path':'/2','value':3},{'op':'add','path':'/3','value':4}]"));
    assertThat(JsonPatches.diff(json("{'a':[1]}"), json("{'a':{'0':1}}")))
        .isEqualTo(patch("[{'op':'replace','path':'/a','value':{'0':1}}]"));
    assertThat(JsonPatches.diff(json("{'a~/b':1}"), json("{}")))
        .isEqualTo(patch("[{'op':'remove','path':'/a~0~1b'}]"));
  }

  @Test
  void equalDocumentsDiffToNothingEvenWithDifferentNumberTypes() {
    assertThat(JsonPatches.diff(json("{'n':1,'a':[1.0]}"), json("{'a':[1],'n':1.0}"))).isEmpty();
    assertThat(JsonPatches.equal(json("1"), json("1.0"))).isTrue();
    assertThat(JsonPatches.equal(json("'1'"), json("1"))).isFalse();
    assertThat(JsonPatches.equal(json("12345678901234567890"), json("12345678901234567891")))
        .isFalse();
  }

  @Test
  void diffThenApplyRoundTripsOnRandomDocuments() {
    Random random = new Random(20261122L);
    Set<String> allowed = Set.of("add", "remove", "replace");
    int nonEmpty = 0;
    for (int round = 0; round < 3000; round++) {
      JsonNode from = Json.random(random, 4);
      JsonNode to =
          round % 3 == 0
              ? Json.random(random, 4)
              : Json.edit(random, from.deepCopy(), 1 + round % 5);
      JsonNode fromCopy = from.deepCopy();
      ArrayNode diff = JsonPatches.diff(from, to);
      assertThat(from).isEqualTo(fromCopy);
      diff.forEach(op -> assertThat(allowed).contains(op.get("op").asText()));
      JsonNode patched = JsonPatches.apply(from, diff);
      assertThat(JsonPatches.equal(patched, to))
          .as("round %d: %s -> %s via %s gave %s", round, from, to, diff, patched)
          .isTrue();
      assertThat(JsonPatches.diff(to, to)).isEmpty();
      if (!diff.isEmpty()) {
        nonEmpty++;
      }
    }
    assertThat(nonEmpty).isGreaterThan(2000);
  }
}
