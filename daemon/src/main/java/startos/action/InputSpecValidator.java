package startos.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;
import startos.action.FormSpec.Field;
import startos.action.FormSpec.ObjectList;
import startos.action.FormSpec.Text;
import startos.action.FormSpec.ValueSpec;

/**
 * Checks an action's input against the package's InputSpec before the package sees it: {@code
 * validate(spec, input)} answers {@link InputCheck.Accepted} with the normalized input or {@link
 * InputCheck.Refused} with one {@link FieldError} per field ({@code "servers[2].port": must be at
 * most 65535}).
 *
 * <p>It checks what StartOS's UI checks before it sends a form (required, lengths, patterns, number
 * range and integer, color, date/time range, list lengths) and the JSON types the SDK's own parser
 * ({@code InputSpec.validator}, run by {@code Action.run}) insists on, plus what the spec declares
 * and neither enforces: a number's {@code step}, a list of objects' {@code uniqueBy}, the {@code
 * datetime} formats and a file's {@code extensions}. Left-out optional fields become {@code null}
 * and a left-out object/list becomes empty before checking, so a CLI user may send only what they
 * set. Keys the form does not know pass through untouched, as the SDK's (loose) parser passes them.
 *
 * <p>Both arguments are untrusted (the spec is the package's, the input the client's). A malformed
 * spec throws {@link InvalidInputSpecException}; every walk is bounded by the spec's depth ({@link
 * FormSpec#MAX_DEPTH}); a string longer than {@link #MAX_STRING_LENGTH} or a list longer than
 * {@link #MAX_LIST_LENGTH} is refused before any pattern runs; pattern matching spends at most
 * {@link #PATTERN_STEPS_PER_CALL} character reads per call and {@link #patternSteps} per value, so
 * a pattern that backtracks catastrophically refuses the value instead of hanging the caller.
 *
 * <p>Threads: stateless, any thread.
 */
public final class InputSpecValidator {
  /** Longest string (in UTF-16 units, as JavaScript counts) any field accepts. */
  public static final int MAX_STRING_LENGTH = 1 << 20;

  /** Most entries any list or multiselect accepts. */
  public static final int MAX_LIST_LENGTH = 10_000;

  /** Character reads all pattern checks of one call may spend together. */
  static final long PATTERN_STEPS_PER_CALL = 50_000_000L;

  /** Errors listed at most; past that the input is refused with what was found. */
  static final int MAX_ERRORS = 100;

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private InputSpecValidator() {}

  /**
   * Checks {@code input} against {@code spec}.
   *
   * @param spec the InputSpec as the package sent it ({@code {key: ValueSpec}})
   * @param input the user's input ({@code {key: value}})
   * @throws InvalidInputSpecException when the spec itself is malformed or exceeds the limits
   */
  public static InputCheck validate(JsonNode spec, JsonNode input) {
    FormSpec form = FormSpec.parse(spec);
    Run run = new Run();
    ObjectNode out;
    if (input == null || !input.isObject()) {
      run.error("", "must be an object of fields");
      out = JSON.objectNode();
    } else {
      out = run.form(form, input, "");
    }
    return run.errors.isEmpty() ? new InputCheck.Accepted(out) : new InputCheck.Refused(run.errors);
  }

  /** The character reads one pattern check may spend on a value of {@code length} characters. */
  static long patternSteps(int length) {
    return 100_000L + 200L * length;
  }

  /** One call's errors and pattern budget. */
  private static final class Run {
    final List<FieldError> errors = new ArrayList<>();
    long callStepsLeft = PATTERN_STEPS_PER_CALL;

    void error(String path, String message) {
      if (errors.size() < MAX_ERRORS) {
        errors.add(new FieldError(path, message));
      }
    }

    ObjectNode form(FormSpec form, JsonNode input, String path) {
      ObjectNode out = JSON.objectNode();
      for (Field field : form.fields().values()) {
        JsonNode value = input.get(field.key());
        String at = FieldPath.child(path, field.key());
        value(field.spec(), value == null ? Optional.empty() : Optional.of(value), at)
            .ifPresent(v -> out.set(field.key(), v));
      }
      // the SDK's parser is loose (zod looseObject): keys the form does not know reach the package
      input.properties().stream()
          .filter(e -> !form.fields().containsKey(e.getKey()))
          .forEach(e -> out.set(e.getKey(), e.getValue()));
      return out;
    }

    /**
     * The normalized value of one field (always present today; empty would leave the key out).
     * {@code given} is empty when the key is missing.
     */
    Optional<JsonNode> value(ValueSpec spec, Optional<JsonNode> given, String at) {
      JsonNode v = given.orElse(NullNode.instance);
      return switch (spec) {
        case Text t -> Optional.of(text(t, v, at));
        case FormSpec.NumberSpec n -> Optional.of(number(n, v, at));
        case FormSpec.Color c -> Optional.of(color(c, v, at));
        case FormSpec.DateTime d -> Optional.of(dateTime(d, v, at));
        case FormSpec.Toggle t -> {
          if (!v.isBoolean()) {
            error(at, "must be true or false");
          }
          yield Optional.of(v);
        }
        case FormSpec.TriState t -> {
          if (!v.isBoolean() && !v.isNull()) {
            error(at, "must be true, false or null");
          }
          yield Optional.of(v);
        }
        case FormSpec.Select s -> Optional.of(select(s.values(), v, at));
        case FormSpec.MultiSelect m ->
            Optional.of(multiSelect(m, given.orElseGet(JSON::arrayNode), at));
        case FormSpec.TextList l -> Optional.of(textList(l, given, at));
        case ObjectList l -> Optional.of(objectList(l, given, at));
        case FormSpec.Group g -> {
          if (given.isEmpty()) {
            yield Optional.of(form(g.spec(), JSON.objectNode(), at));
          }
          if (!v.isObject()) {
            error(at, "must be an object");
            yield Optional.of(v);
          }
          yield Optional.of(form(g.spec(), v, at));
        }
        case FormSpec.Union u -> Optional.of(union(u, v, at));
        case FormSpec.FileSpec f -> Optional.of(file(f, v, at));
        // any value the package's own parser takes; left out it is null, as StartOS's UI sends it
        // (the SDK's parser refuses a hidden key that is missing altogether)
        case FormSpec.Hidden h -> Optional.of(v);
      };
    }

    /** Text, textarea and text list items: "" is "nothing entered", as StartOS's UI sends it. */
    JsonNode text(Text t, JsonNode v, String at) {
      if (v.isNull() || (v.isTextual() && v.asText().isEmpty())) {
        if (t.required()) {
          error(at, "required");
        }
        return NullNode.instance;
      }
      if (!v.isTextual()) {
        error(at, "must be a string");
        return v;
      }
      String s = v.asText();
      if (s.length() > MAX_STRING_LENGTH) {
        error(at, "must be at most " + MAX_STRING_LENGTH + " characters");
        return v;
      }
      // one message per field: a length error is the one the user fixes first
      if (t.minLength().isPresent() && s.length() < t.minLength().getAsInt()) {
        error(at, "must be at least " + characters(t.minLength().getAsInt()));
        return v;
      }
      if (t.maxLength().isPresent() && s.length() > t.maxLength().getAsInt()) {
        error(at, "must be at most " + characters(t.maxLength().getAsInt()));
        return v;
      }
      for (JsPattern p : t.patterns()) {
        if (!matches(p, s, at)) {
          break;
        }
      }
      return v;
    }

    /** Whether {@code s} matches; when not, the error is recorded. */
    private boolean matches(JsPattern p, String s, String at) {
      long allowed = Math.min(patternSteps(s.length()), callStepsLeft);
      JsPattern.Budget budget = new JsPattern.Budget(allowed);
      try {
        if (p.accepts(s, budget)) {
          callStepsLeft -= allowed - budget.left();
          return true;
        }
        callStepsLeft -= allowed - budget.left();
        error(at, p.message());
      } catch (JsPattern.Budget.Exhausted | StackOverflowError e) {
        // the package's pattern backtracks too much (or recurses too deep) on this value
        callStepsLeft -= allowed;
        error(at, "cannot be checked: the package's pattern is too complex for this value");
      }
      return false;
    }

    JsonNode number(FormSpec.NumberSpec n, JsonNode v, String at) {
      if (v.isNull()) {
        if (n.required()) {
          error(at, "required");
        }
        return NullNode.instance;
      }
      if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
        error(at, "must be a number");
        return v;
      }
      double d = v.asDouble();
      if (n.integer() && d != Math.rint(d)) {
        error(at, "must be an integer");
      } else if (n.min().isPresent() && d < n.min().getAsDouble()) {
        error(at, "must be at least " + js(n.min().getAsDouble()));
      } else if (n.max().isPresent() && d > n.max().getAsDouble()) {
        error(at, "must be at most " + js(n.max().getAsDouble()));
      } else if (n.step().isPresent() && !onStep(d, n.min().orElse(0), n.step().getAsDouble())) {
        double base = n.min().orElse(0);
        error(
            at,
            base == 0
                ? "must be a multiple of " + js(n.step().getAsDouble())
                : "must be " + js(base) + " plus a multiple of " + js(n.step().getAsDouble()));
      }
      return jsNumber(d);
    }

    /** Within rounding of the HTML rule: (value - base) is a whole number of steps. */
    private static boolean onStep(double d, double base, double step) {
      double q = (d - base) / step;
      return Math.abs(q - Math.rint(q)) <= 1e-9 * Math.max(1, Math.abs(q));
    }

    JsonNode color(FormSpec.Color c, JsonNode v, String at) {
      if (v.isNull() || (v.isTextual() && v.asText().isEmpty())) {
        if (c.required()) {
          error(at, "required");
        }
        return NullNode.instance;
      }
      if (!v.isTextual() || !v.asText().matches("#[0-9a-fA-F]{6}")) {
        error(at, "must be a color like #1a2b3c");
      }
      return v;
    }

    JsonNode dateTime(FormSpec.DateTime d, JsonNode v, String at) {
      if (v.isNull() || (v.isTextual() && v.asText().isEmpty())) {
        if (d.required()) {
          error(at, "required");
        }
        return NullNode.instance;
      }
      Optional<FormSpec.Moment> m =
          v.isTextual() && v.asText().length() <= 64
              ? d.mode().parse(v.asText())
              : Optional.empty();
      if (m.isEmpty()) {
        error(at, "must be " + d.mode().example);
      } else if (d.min().isPresent() && m.get().compareTo(d.min().get()) < 0) {
        error(at, "must be " + bound(d, d.min().get()) + " or later");
      } else if (d.max().isPresent() && m.get().compareTo(d.max().get()) > 0) {
        error(at, "must be " + bound(d, d.max().get()) + " or earlier");
      }
      return v;
    }

    private static String bound(FormSpec.DateTime d, FormSpec.Moment m) {
      var date = java.time.LocalDate.ofEpochDay(m.day());
      var time = java.time.LocalTime.ofNanoOfDay(m.nanoOfDay());
      return switch (d.mode()) {
        case DATE -> date.toString();
        case TIME -> time.toString();
        case DATETIME_LOCAL -> java.time.LocalDateTime.of(date, time).toString();
      };
    }

    JsonNode select(Set<String> values, JsonNode v, String at) {
      if (v.isNull()) {
        error(at, "required");
      } else if (!v.isTextual() || (!values.isEmpty() && !values.contains(v.asText()))) {
        error(at, "must be one of: " + options(values));
      }
      return v;
    }

    JsonNode multiSelect(FormSpec.MultiSelect m, JsonNode v, String at) {
      if (!v.isArray()) {
        error(at, "must be a list of options");
        return v;
      }
      if (!lengthFits(v.size(), m.minLength(), m.maxLength(), at)) {
        return v;
      }
      for (int i = 0; i < v.size(); i++) {
        JsonNode item = v.get(i);
        if (!item.isTextual() || (!m.values().isEmpty() && !m.values().contains(item.asText()))) {
          error(FieldPath.item(at, i), "must be one of: " + options(m.values()));
        }
      }
      return v;
    }

    JsonNode textList(FormSpec.TextList l, Optional<JsonNode> given, String at) {
      JsonNode v = given.orElseGet(JSON::arrayNode);
      if (!v.isArray()) {
        error(at, "must be a list");
        return v;
      }
      if (!lengthFits(v.size(), l.minLength(), l.maxLength(), at)) {
        return v;
      }
      ArrayNode out = JSON.arrayNode();
      for (int i = 0; i < v.size(); i++) {
        out.add(text(l.item(), v.get(i), FieldPath.item(at, i)));
      }
      return out;
    }

    JsonNode objectList(ObjectList l, Optional<JsonNode> given, String at) {
      JsonNode v = given.orElseGet(JSON::arrayNode);
      if (!v.isArray()) {
        error(at, "must be a list");
        return v;
      }
      if (!lengthFits(v.size(), l.minLength(), l.maxLength(), at)) {
        return v;
      }
      ArrayNode out = JSON.arrayNode();
      for (int i = 0; i < v.size(); i++) {
        JsonNode item = v.get(i);
        String itemAt = FieldPath.item(at, i);
        if (!item.isObject()) {
          error(itemAt, "must be an object");
          out.add(item);
        } else {
          out.add(form(l.item(), item, itemAt));
        }
      }
      unique(l.uniqueBy(), out, at);
      return out;
    }

    /**
     * Refuses each item equal to an earlier one under some uniqueBy alternative; one pass per
     * alternative with a hash of the alternative's values, so a long list costs no pairwise work.
     */
    private void unique(FormSpec.UniqueBy by, ArrayNode items, String at) {
      Map<Integer, Integer> reported = new HashMap<>();
      for (List<String> term : by.terms()) {
        Map<List<JsonNode>, Integer> seen = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
          if (!items.get(i).isObject() || reported.containsKey(i)) {
            continue;
          }
          List<JsonNode> key = new ArrayList<>(term.size());
          for (String k : term) {
            key.add(items.get(i).path(k));
          }
          // an empty optional field conflicts with nothing (two admins without a mail address)
          if (key.stream().anyMatch(n -> n.isNull() || n.isMissingNode())) {
            continue;
          }
          Integer first = seen.putIfAbsent(key, i);
          if (first != null) {
            reported.put(i, first);
          }
        }
      }
      reported.entrySet().stream()
          .sorted(Map.Entry.comparingByKey())
          .forEach(e ->
              error(
                  FieldPath.item(at, e.getKey()),
                  "must be unique by "
                      + by.description()
                      + ", but "
                      + FieldPath.item(at, e.getValue())
                      + " has the same"));
    }

    JsonNode union(FormSpec.Union u, JsonNode v, String at) {
      if (!v.isObject()) {
        error(at, "must be an object with \"selection\" and \"value\"");
        return v;
      }
      JsonNode selection = v.get("selection");
      String selectionAt = FieldPath.child(at, "selection");
      if (selection == null || selection.isNull()) {
        error(selectionAt, "required");
        return v;
      }
      if (!selection.isTextual() || !u.variants().containsKey(selection.asText())) {
        error(selectionAt, "must be one of: " + options(u.variants().keySet()));
        return v;
      }
      ObjectNode out = v.deepCopy();
      JsonNode value = v.get("value");
      String valueAt = FieldPath.child(at, "value");
      FormSpec variant = u.variants().get(selection.asText());
      if (value == null) {
        out.set("value", form(variant, JSON.objectNode(), valueAt));
      } else if (!value.isObject()) {
        error(valueAt, "must be an object");
        out.set("value", value);
      } else {
        out.set("value", form(variant, value, valueAt));
      }
      // the SDK's parser accepts `other` (what the form held for the variants not chosen) as an
      // object
      JsonNode other = v.get("other");
      if (other != null) {
        if (!other.isObject()) {
          error(FieldPath.child(at, "other"), "must be an object");
        }
      }
      return out;
    }

    JsonNode file(FormSpec.FileSpec f, JsonNode v, String at) {
      if (v.isNull()) {
        if (f.required()) {
          error(at, "required");
        }
        return NullNode.instance;
      }
      JsonNode commitment = v.path("commitment");
      if (!v.path("path").isTextual()
          || !commitment.path("hash").isTextual()
          || !commitment.path("size").isNumber()) {
        error(at, "must be an uploaded file {path, commitment: {hash, size}}");
        return v;
      }
      String name = v.get("path").asText();
      name = name.substring(name.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
      // entries like "image/*" are media types the browser checks; only dotted ones name a suffix
      List<String> dotted = f.extensions().stream().filter(e -> e.startsWith(".")).toList();
      if (!dotted.isEmpty() && dotted.size() == f.extensions().size()) {
        String lower = name;
        if (dotted.stream().noneMatch(e -> lower.endsWith(e.toLowerCase(Locale.ROOT)))) {
          error(
              at,
              "must be a "
                  + dotted.stream()
                      .map(FieldPath::clip)
                      .limit(10)
                      .collect(Collectors.joining(" or "))
                  + " file");
        }
      }
      return v;
    }

    private boolean lengthFits(int size, OptionalInt min, OptionalInt max, String at) {
      if (size > MAX_LIST_LENGTH) {
        error(at, "must have at most " + entries(MAX_LIST_LENGTH));
        return false;
      }
      if (min.isPresent() && size < min.getAsInt()) {
        error(at, "must have at least " + entries(min.getAsInt()));
      } else if (max.isPresent() && size > max.getAsInt()) {
        error(at, "must have at most " + entries(max.getAsInt()));
      }
      return true;
    }
  }

  private static String characters(int n) {
    return n == 1 ? "1 character" : n + " characters";
  }

  private static String entries(int n) {
    return n == 1 ? "1 entry" : n + " entries";
  }

  private static String options(Set<String> values) {
    String shown = values.stream().limit(20).map(FieldPath::clip).collect(Collectors.joining(", "));
    return values.size() > 20 ? shown + ", …" : shown;
  }

  /** A number as JavaScript prints it in the common cases (65535, 0.25, -3). */
  static String js(double d) {
    return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
  }

  /** A number as JavaScript holds it: whole values as integers, others as doubles. */
  private static JsonNode jsNumber(double d) {
    if (d == Math.rint(d) && Math.abs(d) <= 9.007199254740991E15) {
      long l = (long) d;
      return l == (int) l ? JSON.numberNode((int) l) : JSON.numberNode(l);
    }
    return JSON.numberNode(d);
  }
}
