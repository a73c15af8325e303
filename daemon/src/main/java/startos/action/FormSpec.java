package startos.action;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.PatternSyntaxException;

/**
 * An InputSpec as the host checks input against it: the package's JSON ({@code {key: ValueSpec}},
 * StartOS §5.5) read once into records, so the walk over the input meets only well-formed specs.
 *
 * <p>The JSON is the package's (untrusted). Reading it is bounded: at most {@link #MAX_DEPTH}
 * nested forms, {@link #MAX_FIELDS} fields in all, {@link #MAX_PATTERN_LENGTH} characters per
 * pattern and {@link #MAX_UNIQUE_BY_TERMS} alternatives in a uniqueBy; recursion depth follows the
 * nesting, so it is bounded too. A field left out of a ValueSpec takes the SDK builders' default; a
 * field of the wrong JSON type is an {@link InvalidInputSpecException} naming it.
 */
record FormSpec(Map<String, Field> fields) {
  static final int MAX_DEPTH = 32;
  static final int MAX_FIELDS = 10_000;
  static final int MAX_PATTERN_LENGTH = 4_096;
  static final int MAX_PATTERNS = 64;
  static final int MAX_KEY_LENGTH = 256;
  static final int MAX_UNIQUE_BY_TERMS = 256;

  FormSpec {
    fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  /** A field of a form: its key in the input, the name the user sees, and what it accepts. */
  record Field(String key, String name, ValueSpec spec) {}

  /** What one field accepts, one record per ValueSpec type. */
  sealed interface ValueSpec {}

  /** {@code text}, {@code textarea}, and the items of a list of text (always required). */
  record Text(
      boolean required, OptionalInt minLength, OptionalInt maxLength, List<JsPattern> patterns)
      implements ValueSpec {}

  record NumberSpec(
      boolean required,
      OptionalDouble min,
      OptionalDouble max,
      boolean integer,
      OptionalDouble step)
      implements ValueSpec {}

  record Color(boolean required) implements ValueSpec {}

  record DateTime(boolean required, DateTimeMode mode, Optional<Moment> min, Optional<Moment> max)
      implements ValueSpec {}

  record Toggle() implements ValueSpec {}

  record TriState() implements ValueSpec {}

  record Select(Set<String> values) implements ValueSpec {}

  record MultiSelect(Set<String> values, OptionalInt minLength, OptionalInt maxLength)
      implements ValueSpec {}

  record TextList(Text item, OptionalInt minLength, OptionalInt maxLength) implements ValueSpec {}

  record ObjectList(FormSpec item, UniqueBy uniqueBy, OptionalInt minLength, OptionalInt maxLength)
      implements ValueSpec {}

  record Group(FormSpec spec) implements ValueSpec {}

  record Union(Map<String, FormSpec> variants) implements ValueSpec {}

  record FileSpec(boolean required, List<String> extensions) implements ValueSpec {}

  record Hidden() implements ValueSpec {}

  /** The three pickers of a {@code datetime} field and the text each one produces. */
  enum DateTimeMode {
    DATE("a date like 2024-01-31"),
    TIME("a time like 13:45"),
    DATETIME_LOCAL("a date and time like 2024-01-31T13:45");

    final String example;

    DateTimeMode(String example) {
      this.example = example;
    }

    /** The moment {@code text} names in this mode, if it is written the way this picker writes. */
    Optional<Moment> parse(String text) {
      try {
        return switch (this) {
          case DATE ->
              text.matches("\\d{4}-\\d{2}-\\d{2}")
                  ? Optional.of(new Moment(LocalDate.parse(text).toEpochDay(), 0))
                  : Optional.empty();
          case TIME ->
              text.matches("\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?")
                  ? Optional.of(new Moment(0, LocalTime.parse(text).toNanoOfDay()))
                  : Optional.empty();
          case DATETIME_LOCAL -> {
            if (!text.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?")) {
              yield Optional.empty();
            }
            LocalDateTime t = LocalDateTime.parse(text);
            yield Optional.of(
                new Moment(t.toLocalDate().toEpochDay(), t.toLocalTime().toNanoOfDay()));
          }
        };
      } catch (DateTimeParseException e) {
        return Optional.empty();
      }
    }
  }

  /** A point on a picker's scale, comparable within one mode. */
  record Moment(long day, long nanoOfDay) implements Comparable<Moment> {
    @Override
    public int compareTo(Moment o) {
      int c = Long.compare(day, o.day);
      return c != 0 ? c : Long.compare(nanoOfDay, o.nanoOfDay);
    }
  }

  /**
   * When two items of a list of objects count as the same: uniqueBy rewritten as alternatives
   * ({@code terms}), each a set of keys that must all be equal ({@code {any: [a, {all: [b, c]}]}}
   * becomes {@code [[a], [b, c]]}); a key the item form lacks never compares equal (as in StartOS's
   * UI), so a term naming one is dropped. {@code description} is what the user reads ("Host and
   * Port").
   */
  record UniqueBy(List<List<String>> terms, String description) {
    static final UniqueBy NONE = new UniqueBy(List.of(), "");
  }

  /**
   * Reads a form.
   *
   * @throws InvalidInputSpecException naming the first thing that is wrong with it
   */
  static FormSpec parse(JsonNode spec) {
    return new Reader().form(spec, "", 0);
  }

  private static final class Reader {
    private int fieldCount;

    FormSpec form(JsonNode node, String where, int depth) {
      if (depth > MAX_DEPTH) {
        throw new InvalidInputSpecException(where, "forms nest more than " + MAX_DEPTH + " deep");
      }
      if (node == null || !node.isObject()) {
        throw new InvalidInputSpecException(where, "a form must be an object of fields");
      }
      Map<String, Field> fields = new LinkedHashMap<>();
      for (var entry : node.properties()) {
        String key = entry.getKey();
        String at = where.isEmpty() ? FieldPath.render(key) : where + "." + FieldPath.render(key);
        if (key.length() > MAX_KEY_LENGTH) {
          throw new InvalidInputSpecException(
              where, "a field key is longer than " + MAX_KEY_LENGTH + " characters");
        }
        if (++fieldCount > MAX_FIELDS) {
          throw new InvalidInputSpecException("", "it has more than " + MAX_FIELDS + " fields");
        }
        JsonNode value = entry.getValue();
        if (!value.isObject()) {
          throw new InvalidInputSpecException(at, "a field must be an object");
        }
        String name = optionalText(value, "name", at).orElse(key);
        fields.put(key, new Field(key, name, value(value, at, depth)));
      }
      return new FormSpec(fields);
    }

    private ValueSpec value(JsonNode node, String at, int depth) {
      String type = optionalText(node, "type", at).orElse("");
      return switch (type) {
        case "text", "textarea" -> text(node, at, bool(node, "required", at));
        case "number" ->
            new NumberSpec(
                bool(node, "required", at),
                number(node, "min", at),
                number(node, "max", at),
                bool(node, "integer", at),
                positive(number(node, "step", at)));
        case "color" -> new Color(bool(node, "required", at));
        case "datetime" -> dateTime(node, at);
        case "toggle" -> new Toggle();
        case "triState" -> new TriState();
        case "select" -> new Select(keys(node, "values", at));
        case "multiselect" ->
            new MultiSelect(
                keys(node, "values", at),
                count(node, "minLength", at),
                count(node, "maxLength", at));
        case "list" -> list(node, at, depth);
        case "object" -> new Group(form(node.get("spec"), at, depth + 1));
        case "union" -> union(node, at, depth);
        case "file" -> new FileSpec(bool(node, "required", at), strings(node, "extensions", at));
        case "hidden" -> new Hidden();
        default ->
            throw new InvalidInputSpecException(
                at,
                type.isEmpty()
                    ? "it has no \"type\""
                    : "unknown type \"" + FieldPath.clip(type) + "\"");
      };
    }

    private Text text(JsonNode node, String at, boolean required) {
      List<JsPattern> patterns = new ArrayList<>();
      JsonNode list = node.get("patterns");
      if (list != null && !list.isNull()) {
        if (!list.isArray()) {
          throw new InvalidInputSpecException(at, "\"patterns\" must be a list");
        }
        if (list.size() > MAX_PATTERNS) {
          throw new InvalidInputSpecException(at, "more than " + MAX_PATTERNS + " patterns");
        }
        for (JsonNode p : list) {
          if (!p.isObject() || !p.path("regex").isTextual()) {
            throw new InvalidInputSpecException(at, "a pattern must be {regex, description}");
          }
          patterns.add(pattern(p, at));
        }
      }
      return new Text(
          required, count(node, "minLength", at), count(node, "maxLength", at), patterns);
    }

    private JsPattern pattern(JsonNode p, String at) {
      String regex = p.get("regex").asText();
      if (regex.length() > MAX_PATTERN_LENGTH) {
        throw new InvalidInputSpecException(
            at, "a pattern is longer than " + MAX_PATTERN_LENGTH + " characters");
      }
      try {
        JsPattern compiled = JsPattern.compile(regex);
        return p.path("description").isTextual() && !p.get("description").asText().isBlank()
            ? compiled.describedAs(p.get("description").asText())
            : compiled;
      } catch (PatternSyntaxException | StackOverflowError e) {
        throw new InvalidInputSpecException(
            at,
            "pattern \""
                + FieldPath.clip(regex)
                + "\" is not a regular expression the host can run");
      }
    }

    private DateTime dateTime(JsonNode node, String at) {
      DateTimeMode mode =
          switch (optionalText(node, "inputmode", at).orElse("datetime-local")) {
            case "date" -> DateTimeMode.DATE;
            case "time" -> DateTimeMode.TIME;
            case "datetime-local" -> DateTimeMode.DATETIME_LOCAL;
            default ->
                throw new InvalidInputSpecException(
                    at, "\"inputmode\" must be date, time or datetime-local");
          };
      return new DateTime(
          bool(node, "required", at),
          mode,
          moment(node, "min", mode, at),
          moment(node, "max", mode, at));
    }

    private Optional<Moment> moment(JsonNode node, String field, DateTimeMode mode, String at) {
      Optional<String> text = optionalText(node, field, at);
      if (text.isEmpty()) {
        return Optional.empty();
      }
      Optional<Moment> m = mode.parse(text.get());
      if (m.isEmpty()) {
        throw new InvalidInputSpecException(at, "\"" + field + "\" must be " + mode.example);
      }
      return m;
    }

    private ValueSpec list(JsonNode node, String at, int depth) {
      OptionalInt min = count(node, "minLength", at);
      OptionalInt max = count(node, "maxLength", at);
      JsonNode item = node.get("spec");
      if (item == null || !item.isObject()) {
        throw new InvalidInputSpecException(at, "a list needs an item \"spec\" object");
      }
      String itemType = optionalText(item, "type", at).orElse("");
      return switch (itemType) {
        case "text" -> new TextList(text(item, at + "[]", true), min, max);
        case "object" -> {
          FormSpec form = form(item.get("spec"), at + "[]", depth + 1);
          yield new ObjectList(form, uniqueBy(item.get("uniqueBy"), form, at), min, max);
        }
        default -> throw new InvalidInputSpecException(at, "list items must be text or object");
      };
    }

    private ValueSpec union(JsonNode node, String at, int depth) {
      JsonNode variants = node.get("variants");
      if (variants == null || !variants.isObject()) {
        throw new InvalidInputSpecException(at, "a union needs a \"variants\" object");
      }
      Map<String, FormSpec> forms = new LinkedHashMap<>();
      for (var v : variants.properties()) {
        String variantAt = at + "." + FieldPath.render(v.getKey());
        if (!v.getValue().isObject()) {
          throw new InvalidInputSpecException(variantAt, "a variant must be {name, spec}");
        }
        if (++fieldCount > MAX_FIELDS) {
          throw new InvalidInputSpecException("", "it has more than " + MAX_FIELDS + " fields");
        }
        forms.put(v.getKey(), form(v.getValue().get("spec"), variantAt, depth + 1));
      }
      return new Union(forms);
    }

    private UniqueBy uniqueBy(JsonNode node, FormSpec item, String at) {
      if (node == null || node.isNull()) {
        return UniqueBy.NONE;
      }
      List<List<String>> terms = terms(node, item, at, 0);
      return new UniqueBy(terms, describe(node, item, true, 0));
    }

    /** uniqueBy as alternatives of key sets (see {@link UniqueBy}). */
    private List<List<String>> terms(JsonNode node, FormSpec item, String at, int depth) {
      if (depth > MAX_DEPTH) {
        throw new InvalidInputSpecException(at, "uniqueBy nests more than " + MAX_DEPTH + " deep");
      }
      if (node.isNull()) {
        return List.of();
      }
      if (node.isTextual()) {
        return item.fields().containsKey(node.asText())
            ? List.of(List.of(node.asText()))
            : List.of();
      }
      JsonNode any = node.get("any");
      JsonNode all = node.get("all");
      if (node.isObject() && any != null && any.isArray()) {
        List<List<String>> out = new ArrayList<>();
        for (JsonNode sub : any) {
          out.addAll(terms(sub, item, at, depth + 1));
          checkTerms(out.size(), at);
        }
        return out;
      }
      if (node.isObject() && all != null && all.isArray()) {
        List<List<String>> out = List.of(List.of());
        for (JsonNode sub : all) {
          List<List<String>> next = new ArrayList<>();
          for (List<String> left : out) {
            for (List<String> right : terms(sub, item, at, depth + 1)) {
              Set<String> keys = new LinkedHashSet<>(left);
              keys.addAll(right);
              next.add(List.copyOf(keys));
              checkTerms(next.size(), at);
            }
          }
          out = next;
        }
        return out;
      }
      throw new InvalidInputSpecException(
          at, "\"uniqueBy\" must be null, a key, {any: [...]} or {all: [...]}");
    }

    private static void checkTerms(int size, String at) {
      if (size > MAX_UNIQUE_BY_TERMS) {
        throw new InvalidInputSpecException(
            at, "\"uniqueBy\" expands to more than " + MAX_UNIQUE_BY_TERMS + " alternatives");
      }
    }

    /** "Host and Port", "User or Mail", "(A and B) or C"; bounded by the depth checked before. */
    private static String describe(JsonNode node, FormSpec item, boolean outermost, int depth) {
      if (node.isTextual()) {
        Field f = item.fields().get(node.asText());
        return FieldPath.clip(f == null ? node.asText() : f.name());
      }
      boolean any = node.has("any");
      List<String> parts = new ArrayList<>();
      for (JsonNode sub : node.get(any ? "any" : "all")) {
        if (parts.size() == 8) {
          parts.add("…");
          break;
        }
        String part = sub.isNull() ? "" : describe(sub, item, false, depth + 1);
        if (!part.isEmpty()) {
          parts.add(part);
        }
      }
      String joined = String.join(any ? " or " : " and ", parts);
      return outermost || parts.size() < 2 ? joined : "(" + joined + ")";
    }

    private static boolean bool(JsonNode node, String field, String at) {
      JsonNode v = node.get(field);
      if (v == null || v.isNull()) {
        return false;
      }
      if (!v.isBoolean()) {
        throw new InvalidInputSpecException(at, "\"" + field + "\" must be true or false");
      }
      return v.asBoolean();
    }

    private static Optional<String> optionalText(JsonNode node, String field, String at) {
      JsonNode v = node.get(field);
      if (v == null || v.isNull()) {
        return Optional.empty();
      }
      if (!v.isTextual()) {
        throw new InvalidInputSpecException(at, "\"" + field + "\" must be a string");
      }
      return Optional.of(v.asText());
    }

    private static OptionalDouble number(JsonNode node, String field, String at) {
      JsonNode v = node.get(field);
      if (v == null || v.isNull()) {
        return OptionalDouble.empty();
      }
      if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
        throw new InvalidInputSpecException(at, "\"" + field + "\" must be a number or null");
      }
      return OptionalDouble.of(v.asDouble());
    }

    /** A step of zero or less means no step, as an HTML number input treats it. */
    private static OptionalDouble positive(OptionalDouble step) {
      return step.isPresent() && step.getAsDouble() > 0 ? step : OptionalDouble.empty();
    }

    private static OptionalInt count(JsonNode node, String field, String at) {
      JsonNode v = node.get(field);
      if (v == null || v.isNull()) {
        return OptionalInt.empty();
      }
      if (!v.isNumber() || v.asDouble() != Math.rint(v.asDouble()) || v.asDouble() < 0) {
        throw new InvalidInputSpecException(
            at, "\"" + field + "\" must be a whole number of at least 0, or null");
      }
      return OptionalInt.of((int) Math.min(Integer.MAX_VALUE, v.asDouble()));
    }

    private static Set<String> keys(JsonNode node, String field, String at) {
      JsonNode v = node.get(field);
      if (v == null || !v.isObject()) {
        throw new InvalidInputSpecException(at, "\"" + field + "\" must be an object of options");
      }
      Set<String> keys = new LinkedHashSet<>();
      v.fieldNames().forEachRemaining(keys::add);
      return keys;
    }

    private static List<String> strings(JsonNode node, String field, String at) {
      JsonNode v = node.get(field);
      if (v == null || v.isNull()) {
        return List.of();
      }
      List<String> out = new ArrayList<>();
      if (v.isArray()) {
        for (JsonNode s : v) {
          if (!s.isTextual()) {
            out = null;
            break;
          }
          out.add(s.asText());
        }
      }
      if (out == null || !v.isArray()) {
        throw new InvalidInputSpecException(at, "\"" + field + "\" must be a list of strings");
      }
      return out;
    }
  }
}
