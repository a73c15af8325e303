package startos.patchdb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * RFC 6902 JSON Patch: computing the diff between two documents, applying a patch, and re-rooting a
 * patch at a pointer the way StartOS scopes revisions for subscribers. Inputs are never modified.
 */
public final class JsonPatches {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private JsonPatches() {}

  /**
   * The add/remove/replace operations that turn {@code from} into {@code to}: objects are compared
   * key by key (in key order), arrays element by element with additions and removals at the tail,
   * anything else is replaced. Equal documents give an empty patch. Values are copies.
   */
  public static ArrayNode diff(JsonNode from, JsonNode to) {
    ArrayNode patch = NODES.arrayNode();
    diffInto(patch, JsonPointer.ROOT, from, to);
    return patch;
  }

  private static void diffInto(ArrayNode patch, JsonPointer path, JsonNode from, JsonNode to) {
    if (from.isObject() && to.isObject()) {
      TreeSet<String> keys = new TreeSet<>();
      from.fieldNames().forEachRemaining(keys::add);
      to.fieldNames().forEachRemaining(keys::add);
      for (String key : keys) {
        JsonNode before = from.get(key);
        JsonNode after = to.get(key);
        if (after == null) {
          patch.add(op("remove", path.append(key)));
        } else if (before == null) {
          patch.add(op("add", path.append(key)).set("value", after.deepCopy()));
        } else if (!equal(before, after)) {
          diffInto(patch, path.append(key), before, after);
        }
      }
    } else if (from.isArray() && to.isArray()) {
      int common = Math.min(from.size(), to.size());
      for (int i = 0; i < common; i++) {
        if (!equal(from.get(i), to.get(i))) {
          diffInto(patch, path.append(Integer.toString(i)), from.get(i), to.get(i));
        }
      }
      for (int i = common; i < to.size(); i++) {
        patch.add(op("add", path.append(Integer.toString(i))).set("value", to.get(i).deepCopy()));
      }
      // from the end, so each removed index names the element it removed (scoping relies on it)
      for (int i = from.size() - 1; i >= common; i--) {
        patch.add(op("remove", path.append(Integer.toString(i))));
      }
    } else if (!equal(from, to)) {
      patch.add(op("replace", path).set("value", to.deepCopy()));
    }
  }

  private static ObjectNode op(String name, JsonPointer path) {
    ObjectNode op = NODES.objectNode();
    op.put("op", name);
    op.put("path", path.toString());
    return op;
  }

  /**
   * Applies an RFC 6902 patch (add, remove, replace, move, copy, test) to a copy of {@code
   * document}.
   *
   * @return the patched copy
   * @throws PatchDbException naming the failing operation and why; nothing is modified
   */
  public static JsonNode apply(JsonNode document, ArrayNode patch) {
    return applyInPlace(document.deepCopy(), patch);
  }

  /**
   * Applies a patch to {@code document} itself and returns the new root (a different node only when
   * an operation targets the root). On failure the document may be partly patched.
   */
  static JsonNode applyInPlace(JsonNode document, ArrayNode patch) {
    JsonNode root = document;
    for (int i = 0; i < patch.size(); i++) {
      JsonNode op = patch.get(i);
      try {
        root = applyOne(root, op);
      } catch (PatchDbException e) {
        throw new PatchDbException(
            "patch operation " + i + " " + describe(op) + ": " + e.getMessage(), e);
      }
    }
    return root;
  }

  private static String describe(JsonNode op) {
    if (!op.isObject()) {
      return op.toString();
    }
    String text = "(" + op.path("op").asText("?") + " '" + op.path("path").asText("?") + "'";
    return op.has("from") ? text + " from '" + op.get("from").asText() + "')" : text + ")";
  }

  private static JsonNode applyOne(JsonNode root, JsonNode op) {
    if (!op.isObject()) {
      throw new PatchDbException("an operation must be a JSON object");
    }
    String name = text(op, "op");
    JsonPointer path = JsonPointer.parse(text(op, "path"));
    return switch (name) {
      case "add" -> add(root, path, value(op).deepCopy());
      case "remove" -> {
        remove(root, path);
        yield root;
      }
      case "replace" -> replace(root, path, value(op).deepCopy());
      case "move" -> {
        JsonPointer from = JsonPointer.parse(text(op, "from"));
        if (from.equals(path)) {
          require(root, from);
          yield root;
        }
        if (path.startsWith(from)) {
          throw new PatchDbException("cannot move a value into one of its own children");
        }
        JsonNode moved = require(root, from);
        remove(root, from);
        yield add(root, path, moved);
      }
      case "copy" -> {
        JsonPointer from = JsonPointer.parse(text(op, "from"));
        yield add(root, path, require(root, from).deepCopy());
      }
      case "test" -> {
        JsonNode actual = require(root, path);
        if (!equal(actual, value(op))) {
          throw new PatchDbException("test failed: the value is " + actual);
        }
        yield root;
      }
      default -> throw new PatchDbException("unknown op '" + name + "'");
    };
  }

  private static String text(JsonNode op, String field) {
    JsonNode node = op.get(field);
    if (node == null) {
      throw new PatchDbException("missing '" + field + "'");
    }
    if (!node.isTextual()) {
      throw new PatchDbException("'" + field + "' must be a string");
    }
    return node.textValue();
  }

  private static JsonNode value(JsonNode op) {
    JsonNode node = op.get("value");
    if (node == null) {
      throw new PatchDbException("missing 'value'");
    }
    return node;
  }

  private static JsonNode require(JsonNode root, JsonPointer path) {
    return path.resolve(root)
        .orElseThrow(() -> new PatchDbException("path '" + path + "' does not exist"));
  }

  private static JsonNode parentOf(JsonNode root, JsonPointer path) {
    JsonPointer parent = path.parent();
    JsonNode node =
        parent
            .resolve(root)
            .orElseThrow(
                () -> new PatchDbException("parent '" + parent + "' of the target does not exist"));
    if (!node.isContainerNode()) {
      throw new PatchDbException("parent '" + parent + "' is neither an object nor an array");
    }
    return node;
  }

  private static int index(ArrayNode array, String token, boolean forInsert) {
    int index = JsonPointer.arrayIndex(token);
    int limit = forInsert ? array.size() : array.size() - 1;
    if (index < 0) {
      throw new PatchDbException("'" + token + "' is not a valid array index");
    }
    if (index > limit) {
      throw new PatchDbException(
          "array index " + index + " is out of bounds (array size " + array.size() + ")");
    }
    return index;
  }

  private static JsonNode add(JsonNode root, JsonPointer path, JsonNode value) {
    if (path.isRoot()) {
      return value;
    }
    JsonNode parent = parentOf(root, path);
    String token = path.last();
    if (parent instanceof ObjectNode object) {
      object.set(token, value);
    } else {
      ArrayNode array = (ArrayNode) parent;
      if (token.equals("-")) {
        array.add(value);
      } else {
        array.insert(index(array, token, true), value);
      }
    }
    return root;
  }

  private static void remove(JsonNode root, JsonPointer path) {
    if (path.isRoot()) {
      throw new PatchDbException("cannot remove the document root");
    }
    JsonNode parent = parentOf(root, path);
    String token = path.last();
    if (parent instanceof ObjectNode object) {
      if (object.remove(token) == null) {
        throw new PatchDbException("path '" + path + "' does not exist");
      }
    } else {
      ArrayNode array = (ArrayNode) parent;
      array.remove(index(array, token, false));
    }
  }

  private static JsonNode replace(JsonNode root, JsonPointer path, JsonNode value) {
    if (path.isRoot()) {
      return value;
    }
    JsonNode parent = parentOf(root, path);
    String token = path.last();
    if (parent instanceof ObjectNode object) {
      if (!object.has(token)) {
        throw new PatchDbException("path '" + path + "' does not exist");
      }
      object.set(token, value);
    } else {
      ArrayNode array = (ArrayNode) parent;
      array.set(index(array, token, false), value);
    }
    return root;
  }

  /**
   * Re-roots a diff patch at {@code pointer} as StartOS does for a scoped subscriber: operations
   * under the pointer get relative paths; an add or replace of an ancestor becomes the same op on
   * the root carrying the sub-value (null when the new value lacks it); removing an ancestor (or
   * the pointer itself) becomes a replace of the root with null; other operations are dropped. Only
   * add, remove and replace are expected (diffs contain nothing else); test ops are dropped.
   */
  public static ArrayNode scope(ArrayNode patch, JsonPointer pointer) {
    ArrayNode scoped = NODES.arrayNode();
    for (JsonNode op : patch) {
      String name = text(op, "op");
      JsonPointer path = JsonPointer.parse(text(op, "path"));
      switch (name) {
        case "add", "replace" -> {
          if (path.startsWith(pointer)) {
            scoped.add(op(name, path.relativeTo(pointer)).set("value", value(op).deepCopy()));
          } else if (pointer.startsWith(path)) {
            JsonNode sub =
                pointer
                    .relativeTo(path)
                    .resolve(value(op))
                    .<JsonNode>map(JsonNode::deepCopy)
                    .orElse(NullNode.getInstance());
            scoped.add(op(name, JsonPointer.ROOT).set("value", sub));
          }
        }
        case "remove" -> {
          if (pointer.startsWith(path)) {
            scoped.add(op("replace", JsonPointer.ROOT).set("value", NullNode.getInstance()));
          } else if (path.startsWith(pointer)) {
            scoped.add(op("remove", path.relativeTo(pointer)));
          }
        }
        case "test" -> {}
        default ->
            throw new PatchDbException(
                "cannot scope a '" + name + "' operation; only diffs can be scoped");
      }
    }
    return scoped;
  }

  /** {@link #scope(ArrayNode, JsonPointer)} with the pointer in text form. */
  public static ArrayNode scope(ArrayNode patch, String pointer) {
    return scope(patch, JsonPointer.parse(pointer));
  }

  /**
   * JSON equality: numbers compare by numeric value (so 1, 1L and 1.0 are equal), objects ignore
   * key order, arrays compare in order.
   */
  @SuppressWarnings("ReferenceEquality") // identity is only a shortcut before comparing values
  public static boolean equal(JsonNode a, JsonNode b) {
    if (a == b) {
      return true;
    }
    if (a.isNumber() && b.isNumber()) {
      if (a.canConvertToExactIntegral()
          && b.canConvertToExactIntegral()
          && a.canConvertToLong()
          && b.canConvertToLong()) {
        return a.longValue() == b.longValue();
      }
      if (!finite(a) || !finite(b)) {
        return Double.compare(a.doubleValue(), b.doubleValue()) == 0;
      }
      return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }
    if (a.getNodeType() != b.getNodeType()) {
      return false;
    }
    if (a.isObject()) {
      if (a.size() != b.size()) {
        return false;
      }
      Iterator<Map.Entry<String, JsonNode>> fields = a.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        JsonNode other = b.get(field.getKey());
        if (other == null || !equal(field.getValue(), other)) {
          return false;
        }
      }
      return true;
    }
    if (a.isArray()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (int i = 0; i < a.size(); i++) {
        if (!equal(a.get(i), b.get(i))) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }

  private static boolean finite(JsonNode number) {
    return !(number.isDouble() || number.isFloat()) || Double.isFinite(number.doubleValue());
  }

  /** The node at {@code pointer} of {@code document} as a copy, or JSON null when absent. */
  static JsonNode copyAt(JsonNode document, JsonPointer pointer) {
    Optional<JsonNode> node = pointer.resolve(document);
    return node.<JsonNode>map(JsonNode::deepCopy).orElse(NullNode.getInstance());
  }
}
