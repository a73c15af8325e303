package startos.s9pk.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import startos.s9pk.merkle.S9pkException;

/** Field access with messages that name the file and field; keeps Jackson out of the records. */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper();
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Json() {}

  static ObjectNode parseObject(byte[] bytes, String what) {
    JsonNode node;
    try {
      node = MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new S9pkException(what + " is not valid JSON: " + e.getMessage(), e);
    }
    if (!(node instanceof ObjectNode object)) {
      throw new S9pkException(what + " must be a JSON object");
    }
    return object;
  }

  static byte[] write(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new S9pkException("cannot serialize JSON: " + e.getMessage(), e);
    }
  }

  static JsonNode required(JsonNode obj, String field, String what) {
    JsonNode v = obj.get(field);
    if (v == null || v.isNull()) {
      throw new S9pkException(what + ": missing required field `" + field + "`");
    }
    return v;
  }

  static String string(JsonNode obj, String field, String what) {
    JsonNode v = required(obj, field, what);
    if (!v.isTextual()) {
      throw new S9pkException(what + ": `" + field + "` must be a string");
    }
    return v.asText();
  }

  static Optional<String> optString(JsonNode obj, String field, String what) {
    JsonNode v = obj.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isTextual()) {
      throw new S9pkException(what + ": `" + field + "` must be a string or null");
    }
    return Optional.of(v.asText());
  }

  static boolean bool(JsonNode obj, String field, boolean fallback, String what) {
    JsonNode v = obj.get(field);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isBoolean()) {
      throw new S9pkException(what + ": `" + field + "` must be true or false");
    }
    return v.asBoolean();
  }

  static List<String> strings(JsonNode v, String field, String what) {
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!v.isArray()) {
      throw new S9pkException(what + ": `" + field + "` must be an array of strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode item : v) {
      if (!item.isTextual()) {
        throw new S9pkException(what + ": `" + field + "` must contain only strings");
      }
      out.add(item.asText());
    }
    return List.copyOf(out);
  }

  static Map<String, JsonNode> object(JsonNode v, String field, String what) {
    if (v == null || v.isNull()) {
      return Map.of();
    }
    if (!v.isObject()) {
      throw new S9pkException(what + ": `" + field + "` must be an object");
    }
    Map<String, JsonNode> out = new LinkedHashMap<>();
    v.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  static Map<String, JsonNode> extra(JsonNode obj, Set<String> known) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    obj.fields()
        .forEachRemaining(e -> {
          if (!known.contains(e.getKey())) {
            out.put(e.getKey(), e.getValue().deepCopy());
          }
        });
    return out;
  }

  static ArrayNode array(List<String> values) {
    ArrayNode a = NODES.arrayNode();
    values.forEach(a::add);
    return a;
  }

  static JsonNode nullable(Optional<String> value) {
    return value.<JsonNode>map(NODES::textNode).orElse(NODES.nullNode());
  }
}
