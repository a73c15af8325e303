package startos.effects;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import startos.rpc.Params;
import startos.rpc.ProtocolException;

/**
 * Decodes an effect's params object into its record, once, before the effect runs. The params come
 * from the package (untrusted): a value of the wrong JSON type, a missing required field or an
 * unknown enum word is a -32602 error naming the parameter by its path ({@code target.volumeId}),
 * the type expected and what was sent. Nothing is coerced (no {@code "5"} for 5, no 5 for {@code
 * "5"}). Unknown fields are ignored: the runtime adds its own ({@code eventId}) and newer SDKs add
 * optional ones, as StartOS tolerates. Thread-safe.
 */
final class EffectParams {
  private static final ObjectMapper MAPPER = mapper();

  private EffectParams() {}

  /**
   * Refusal thrown from a params record's compact constructor. {@code sentence} holds one {@code
   * %s} where the decoder puts the parameter's full path.
   */
  static final class Invalid extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String name;
    private final String sentence;

    Invalid(String name, String sentence) {
      super(sentence.formatted(name));
      this.name = name;
      this.sentence = sentence;
    }
  }

  /** {@code value}, or the "missing required parameter" refusal when it is absent or null. */
  static <T> T required(T value, String name, String expected) {
    if (value == null) {
      throw new Invalid(name, "missing required parameter '%s' (" + expected + ")");
    }
    return value;
  }

  /** An optional JSON value with JSON null read as absent (Jackson reads it as a null node). */
  static Optional<JsonNode> nonNull(Optional<JsonNode> value) {
    return value == null ? Optional.empty() : value.filter(v -> !v.isNull());
  }

  /** {@code value} or an empty list when it is absent or null. */
  static <T> List<T> orEmpty(List<T> value) {
    return value == null ? List.of() : List.copyOf(value);
  }

  static <P> P decode(JsonNode raw, Class<P> type) {
    Params.of(raw); // the same "params must be a JSON object" refusal as every RPC
    try {
      return MAPPER.treeToValue(raw, type);
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Invalid invalid) {
        throw ProtocolException.invalidParams(
            invalid.sentence.formatted(join(path(e), invalid.name)));
      }
      if (cause instanceof RuntimeException refusal) {
        throw refusal; // a limit or id check of the record: already a sentence for the package
      }
      throw ProtocolException.invalidParams(
          "the params could not be read: " + e.getOriginalMessage());
    } catch (MismatchedInputException e) {
      throw ProtocolException.invalidParams(mismatch(raw, e));
    } catch (IOException e) {
      throw ProtocolException.invalidParams("the params could not be read: " + e.getMessage());
    }
  }

  private static String mismatch(JsonNode raw, MismatchedInputException e) {
    String name = path(e);
    JsonNode sent = raw;
    for (JsonMappingException.Reference r : e.getPath()) {
      sent = r.getFieldName() != null ? sent.path(r.getFieldName()) : sent.path(r.getIndex());
    }
    Class<?> target = e.getTargetType();
    if (target != null && target.isEnum()) {
      String words =
          Arrays.stream(target.getEnumConstants())
              .map(c -> "\"" + EffectParams.wireName((Enum<?>) c) + "\"")
              .collect(Collectors.joining(", "));
      return "parameter '%s' must be one of %s, got %s"
          .formatted(
              name, words, sent.isTextual() ? "\"" + sent.asText() + "\"" : Params.describe(sent));
    }
    if (name.isEmpty()) {
      return "the params could not be read: " + e.getOriginalMessage();
    }
    return "parameter '%s' must be %s, got %s"
        .formatted(name, expected(target, e), Params.describe(sent));
  }

  private static String expected(Class<?> target, MismatchedInputException e) {
    if (target == null) {
      return "something else";
    }
    if (target == String.class) {
      return "a string";
    }
    if (target == Integer.class
        || target == int.class
        || target == Long.class
        || target == long.class) {
      return "an integer";
    }
    if (target == Boolean.class || target == boolean.class) {
      return "a boolean (true or false)";
    }
    if (target.isArray() || Collection.class.isAssignableFrom(target)) {
      return "an array";
    }
    if (e instanceof InvalidFormatException) {
      return "a " + target.getSimpleName().toLowerCase(Locale.ROOT);
    }
    if (target == JsonNode.class || Map.class.isAssignableFrom(target) || target.isRecord()) {
      return "an object";
    }
    return "a " + target.getSimpleName();
  }

  /** The word an enum constant has on the wire (its {@code @JsonProperty}, else its name). */
  static String wireName(Enum<?> constant) {
    try {
      com.fasterxml.jackson.annotation.JsonProperty p =
          constant
              .getDeclaringClass()
              .getField(constant.name())
              .getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
      return p == null ? constant.name() : p.value();
    } catch (NoSuchFieldException e) {
      return constant.name();
    }
  }

  /** {@code target.volumeId}, {@code dependencies[2].id}. */
  private static String path(JsonMappingException e) {
    StringBuilder out = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        out.append(out.isEmpty() ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        out.append('[').append(r.getIndex()).append(']');
      }
    }
    return out.toString();
  }

  private static String join(String prefix, String name) {
    return prefix.isEmpty() ? name : prefix + "." + name;
  }

  private static ObjectMapper mapper() {
    ObjectMapper m =
        JsonMapper.builder()
            .addModule(new Jdk8Module())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();
    // no number or boolean read as a string, no empty string read as an absent value
    m.coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    m.coercionConfigDefaults()
        .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
        .setAcceptBlankAsEmpty(false);
    return m;
  }
}
