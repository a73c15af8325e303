package startos.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The mappers between the document's JSON and the records, and small helpers for immutable maps
 * that keep their order (the UI shows actions and interfaces in the order the package gave).
 */
public final class ModelJson {
  /** Reads leniently: a field the model does not know is dropped, as StartOS's serde does. */
  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new Jdk8Module())
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  /** Reads strictly: what a client writes must fit the model exactly. */
  static final ObjectMapper STRICT =
      JsonMapper.builder()
          .addModule(new Jdk8Module())
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .build();

  private ModelJson() {}

  /**
   * The record {@code type} decoded from {@code json}; an unfit tree is a {@link ModelException}.
   */
  public static <T> T decode(JsonNode json, Class<T> type) {
    return decode(json, MAPPER.constructType(type));
  }

  static <T> T decode(JsonNode json, JavaType type) {
    try {
      return MAPPER.treeToValue(json, type);
    } catch (JsonProcessingException e) {
      throw misfit(type, e.getOriginalMessage(), e);
    } catch (IllegalArgumentException e) {
      throw misfit(type, e.getMessage(), e);
    }
  }

  private static ModelException misfit(JavaType type, String why, Exception cause) {
    return new ModelException(
        "the database holds a %s that does not fit StartOS's model: %s"
            .formatted(type.getRawClass().getSimpleName(), why),
        cause);
  }

  /** The JSON tree of a record, as the database stores it. */
  public static JsonNode encode(Object value) {
    try {
      // through bytes, so numbers get the node types parsing gives (0 an int, not a long) and an
      // unchanged field never shows up in the database's diff
      return MAPPER.readTree(MAPPER.writeValueAsBytes(value));
    } catch (java.io.IOException e) {
      throw new ModelException("cannot encode " + value.getClass().getSimpleName(), e);
    }
  }

  /** An unmodifiable copy of {@code map} in its order; null (a field the JSON lacked) is empty. */
  static <K, V> Map<K, V> map(Map<K, V> map) {
    return map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }

  /** An unmodifiable copy of {@code list}; null (a field the JSON lacked) is empty. */
  static <T> List<T> list(List<T> list) {
    return list == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(list));
  }

  /**
   * An optional JSON value: null, and JSON null (which Jackson decodes a missing tree field to),
   * are both empty.
   */
  static java.util.Optional<JsonNode> tree(java.util.Optional<JsonNode> value) {
    return value == null ? java.util.Optional.empty() : value.filter(v -> !v.isNull());
  }

  /** {@code map} with {@code key} set to {@code value}, in place if present, else last. */
  public static <K, V> Map<K, V> with(Map<K, V> map, K key, V value) {
    Map<K, V> copy = new LinkedHashMap<>(map);
    copy.put(key, value);
    return Collections.unmodifiableMap(copy);
  }

  /** {@code map} without {@code key}. */
  public static <K, V> Map<K, V> without(Map<K, V> map, K key) {
    Map<K, V> copy = new LinkedHashMap<>(map);
    copy.remove(key);
    return Collections.unmodifiableMap(copy);
  }
}
