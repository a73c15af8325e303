package startos.db;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** A minimal add/remove/replace applier, the way the UI's client applies revisions. */
final class TestPatches {
  private TestPatches() {}

  static JsonNode apply(JsonNode doc, ArrayNode patch) {
    JsonNode result = doc.deepCopy();
    for (JsonNode op : patch) {
      String path = op.get("path").asText();
      String kind = op.get("op").asText();
      if (path.isEmpty()) {
        result = kind.equals("remove") ? null : op.get("value").deepCopy();
        continue;
      }
      List<String> tokens = Pointers.tokens(path);
      JsonNode parent = result;
      for (int i = 0; i < tokens.size() - 1; i++) {
        parent =
            parent.isArray()
                ? parent.get(Integer.parseInt(tokens.get(i)))
                : parent.get(tokens.get(i));
      }
      String last = tokens.getLast();
      if (parent instanceof ObjectNode o) {
        if (kind.equals("remove")) {
          o.remove(last);
        } else {
          o.set(last, op.get("value").deepCopy());
        }
      } else if (parent instanceof ArrayNode a) {
        int i = last.equals("-") ? a.size() : Integer.parseInt(last);
        switch (kind) {
          case "remove" -> a.remove(i);
          case "add" -> a.insert(i, op.get("value").deepCopy());
          default -> a.set(i, op.get("value").deepCopy());
        }
      } else {
        throw new AssertionError("bad parent for " + op);
      }
    }
    return result;
  }
}
