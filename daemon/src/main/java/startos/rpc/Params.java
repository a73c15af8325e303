package startos.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Typed access to a request's params object; every mismatch is a -32602 error that names the
 * parameter, the expected type and what was sent.
 */
public final class Params {
  private final ObjectNode params;

  private Params(ObjectNode params) {
    this.params = params;
  }

  /** Wraps a method's params, which must be a JSON object. */
  public static Params of(JsonNode params) {
    if (params instanceof ObjectNode object) {
      return new Params(object);
    }
    throw ProtocolException.invalidParams(
        "params must be a JSON object with named parameters, got " + describe(params));
  }

  public String string(String name) {
    return optionalString(name).orElseThrow(() -> missing(name, "a string"));
  }

  public Optional<String> optionalString(String name) {
    return present(name).map(v -> expect(name, v, v.isTextual(), "a string").asText());
  }

  /** A string with surrounding blanks removed; absent, null or blank reads as empty. */
  public Optional<String> nonBlankString(String name) {
    return optionalString(name).map(String::strip).filter(v -> !v.isEmpty());
  }

  public boolean bool(String name, boolean defaultValue) {
    return present(name)
        .map(v -> expect(name, v, v.isBoolean(), "a boolean (true or false)").asBoolean())
        .orElse(defaultValue);
  }

  public Optional<Long> optionalLong(String name) {
    return present(name)
        .map(v -> expect(name, v, v.isIntegralNumber() && v.canConvertToLong(), "an integer"))
        .map(JsonNode::asLong);
  }

  /** Any JSON value, required (JSON null counts as present). */
  public JsonNode value(String name) {
    JsonNode v = params.get(name);
    if (v == null) {
      throw missing(name, "a JSON value");
    }
    return v;
  }

  public Optional<JsonNode> optionalValue(String name) {
    return present(name);
  }

  public ArrayNode array(String name) {
    return present(name)
        .map(v -> (ArrayNode) expect(name, v, v.isArray(), "an array"))
        .orElseThrow(() -> missing(name, "an array"));
  }

  public List<String> stringList(String name) {
    ArrayNode array = array(name);
    List<String> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      JsonNode item = array.get(i);
      if (!item.isTextual()) {
        throw ProtocolException.invalidParams(
            "parameter '%s' must be an array of strings, but item %d is %s"
                .formatted(name, i, describe(item)));
      }
      out.add(item.asText());
    }
    return out;
  }

  private Optional<JsonNode> present(String name) {
    JsonNode v = params.get(name);
    return v == null || v.isNull() ? Optional.empty() : Optional.of(v);
  }

  private static JsonNode expect(String name, JsonNode v, boolean ok, String expected) {
    if (!ok) {
      throw ProtocolException.invalidParams(
          "parameter '%s' must be %s, got %s".formatted(name, expected, describe(v)));
    }
    return v;
  }

  private static ProtocolException missing(String name, String expected) {
    return ProtocolException.invalidParams(
        "missing required parameter '%s' (%s)".formatted(name, expected));
  }

  /** A short description of a JSON value's type for error messages. */
  public static String describe(JsonNode v) {
    if (v == null || v.isMissingNode()) {
      return "nothing";
    }
    return switch (v.getNodeType()) {
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case NULL -> "null";
      default -> v.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    };
  }
}
