package startos.cli.pack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import startos.cli.CliException;
import startos.cli.JsonArgument;

/**
 * The expressions {@code s9pk edit manifest} accepts: a JSON Patch array (RFC 6902: add, remove,
 * replace, test), or jq-style assignments {@code .a.b = JSON} joined with {@code |}.
 */
final class ManifestEdit {
  private ManifestEdit() {}

  static ObjectNode apply(ObjectNode manifest, String expr) {
    String trimmed = expr.strip();
    ObjectNode doc = manifest.deepCopy();
    if (trimmed.startsWith("[")) {
      JsonNode patch = JsonArgument.parse("EXPRESSION", trimmed);
      for (JsonNode op : patch) {
        applyOp(doc, op);
      }
      return doc;
    }
    for (String raw : splitPipes(trimmed)) {
      String part = raw.strip();
      int eq = part.indexOf('=');
      if (!part.startsWith(".")
          || eq < 0
          || eq == part.length() - 1
          || part.charAt(eq + 1) == '=') {
        throw CliException.usage(
            "EXPRESSION \""
                + part
                + "\" is not understood: use a JSON Patch array or `.field.sub = <json>`");
      }
      String path = part.substring(0, eq).strip();
      JsonNode value = JsonArgument.parse("the value of " + path, part.substring(eq + 1).strip());
      set(doc, pointerOf(path), value, true);
    }
    return doc;
  }

  private static List<String> splitPipes(String expr) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    boolean inString = false;
    int start = 0;
    for (int i = 0; i < expr.length(); i++) {
      char c = expr.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '[' || c == '{') {
        depth++;
      } else if (c == ']' || c == '}') {
        depth--;
      } else if (c == '|' && depth == 0) {
        parts.add(expr.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(expr.substring(start));
    return parts;
  }

  private static List<String> pointerOf(String jqPath) {
    List<String> out = new ArrayList<>();
    for (String seg : jqPath.substring(1).split("\\.")) {
      if (seg.isEmpty()) {
        throw CliException.usage("\"" + jqPath + "\" has an empty field name");
      }
      out.add(
          seg.startsWith("\"") && seg.endsWith("\"") ? seg.substring(1, seg.length() - 1) : seg);
    }
    return out;
  }

  private static List<String> pointer(String ptr) {
    if (!ptr.startsWith("/")) {
      throw CliException.usage("JSON Patch path \"" + ptr + "\" must start with '/'");
    }
    List<String> out = new ArrayList<>();
    for (String seg : ptr.substring(1).split("/", -1)) {
      out.add(seg.replace("~1", "/").replace("~0", "~"));
    }
    return out;
  }

  private static void applyOp(ObjectNode doc, JsonNode op) {
    String kind = op.path("op").asText("");
    List<String> path = pointer(op.path("path").asText(""));
    switch (kind) {
      case "add", "replace" -> {
        if (!op.has("value")) {
          throw CliException.usage(
              "JSON Patch " + kind + " at " + op.path("path").asText() + " has no value");
        }
        set(doc, path, op.get("value"), kind.equals("add"));
      }
      case "remove" -> remove(doc, path);
      case "test" -> {
        if (!get(doc, path).equals(op.path("value"))) {
          throw CliException.usage(
              "JSON Patch test at " + op.path("path").asText() + " failed; manifest unchanged");
        }
      }
      default ->
          throw CliException.usage(
              "JSON Patch op \"" + kind + "\" is not supported (add, remove, replace, test)");
    }
  }

  private static JsonNode get(JsonNode doc, List<String> path) {
    JsonNode cur = doc;
    for (String seg : path) {
      cur = cur.isArray() ? cur.path(index(seg, cur.size())) : cur.path(seg);
    }
    return cur;
  }

  private static void set(ObjectNode doc, List<String> path, JsonNode value, boolean create) {
    JsonNode parent = doc;
    for (String seg : path.subList(0, path.size() - 1)) {
      JsonNode next = parent.isArray() ? parent.path(index(seg, parent.size())) : parent.path(seg);
      if (next.isMissingNode() || next.isNull()) {
        if (!create || !(parent instanceof ObjectNode o)) {
          throw CliException.usage(
              "/" + String.join("/", path) + ": " + seg + " does not exist in the manifest");
        }
        next = o.putObject(seg);
      }
      parent = next;
    }
    String last = path.get(path.size() - 1);
    if (parent instanceof ObjectNode o) {
      if (!create && !o.has(last)) {
        throw CliException.usage("/" + String.join("/", path) + " does not exist in the manifest");
      }
      o.set(last, value);
    } else if (parent instanceof ArrayNode a) {
      if (last.equals("-")) {
        a.add(value);
      } else if (create) {
        a.insert(index(last, a.size() + 1), value);
      } else {
        a.set(index(last, a.size()), value);
      }
    } else {
      throw CliException.usage(
          "/" + String.join("/", path) + ": the parent is not an object or array");
    }
  }

  private static void remove(ObjectNode doc, List<String> path) {
    JsonNode parent = get(doc, path.subList(0, path.size() - 1));
    String last = path.get(path.size() - 1);
    if (parent instanceof ObjectNode o && o.has(last)) {
      o.remove(last);
    } else if (parent instanceof ArrayNode a) {
      a.remove(index(last, a.size()));
    } else {
      throw CliException.usage("/" + String.join("/", path) + " does not exist in the manifest");
    }
  }

  private static int index(String seg, int bound) {
    try {
      int i = Integer.parseInt(seg);
      if (i < 0 || i >= bound) {
        throw CliException.usage("array index " + seg + " is out of range");
      }
      return i;
    } catch (NumberFormatException e) {
      throw CliException.usage("\"" + seg + "\" is not an array index");
    }
  }
}
