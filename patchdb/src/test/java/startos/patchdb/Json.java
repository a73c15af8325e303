package startos.patchdb;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Random;

/** Test helpers: JSON from text with single quotes, and random documents. */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final List<String> KEYS = List.of("a", "b", "c", "d", "x~y", "p/q", "", "0", "1");

  private Json() {}

  static JsonNode json(String singleQuoted) {
    try {
      return MAPPER.readTree(singleQuoted.replace('\'', '"'));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ArrayNode patch(String singleQuoted) {
    return (ArrayNode) json(singleQuoted);
  }

  static JsonNode random(Random random, int depth) {
    int kind = random.nextInt(depth <= 0 ? 5 : 8);
    return switch (kind) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.booleanNode(random.nextBoolean());
      case 2 -> NODES.numberNode(random.nextInt(5));
      case 3 -> NODES.numberNode(random.nextInt(3) + 0.5);
      case 4 -> NODES.textNode(KEYS.get(random.nextInt(KEYS.size())));
      case 5, 6 -> randomObject(random, depth - 1);
      default -> {
        ArrayNode array = NODES.arrayNode();
        int size = random.nextInt(4);
        for (int i = 0; i < size; i++) {
          array.add(random(random, depth - 1));
        }
        yield array;
      }
    };
  }

  static ObjectNode randomObject(Random random, int depth) {
    ObjectNode object = NODES.objectNode();
    int size = random.nextInt(4);
    for (int i = 0; i < size; i++) {
      object.set(KEYS.get(random.nextInt(KEYS.size())), random(random, depth));
    }
    return object;
  }

  /** Random small edits in place, like a change function would make; returns the new root. */
  static JsonNode edit(Random random, JsonNode node, int edits) {
    JsonNode root = node;
    for (int i = 0; i < edits; i++) {
      root = editOnce(random, root, 4);
    }
    return root;
  }

  private static JsonNode editOnce(Random random, JsonNode node, int depth) {
    if (node instanceof ObjectNode object) {
      String key = KEYS.get(random.nextInt(KEYS.size()));
      int action = random.nextInt(4);
      if (action == 0) {
        object.remove(key);
      } else if (action == 1 || !object.has(key) || depth == 0) {
        object.set(key, random(random, 2));
      } else {
        object.set(key, editOnce(random, object.get(key), depth - 1));
      }
      return object;
    }
    if (node instanceof ArrayNode array) {
      int action = random.nextInt(4);
      if (action == 0 && !array.isEmpty()) {
        array.remove(array.size() - 1);
      } else if (action == 1 || array.isEmpty() || depth == 0) {
        array.add(random(random, 2));
      } else {
        int index = random.nextInt(array.size());
        array.set(index, editOnce(random, array.get(index), depth - 1));
      }
      return array;
    }
    return random(random, 2);
  }
}
