package startos.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import startos.model.Task;
import startos.model.TaskEntry;

/**
 * The task rules of StartOS (§5.6), as pure functions: when a task with {@code when: {condition:
 * "input-not-matches"}} is satisfied by an action's input, and what running an action does to the
 * tasks that name it. Stateless; any thread.
 */
final class TaskRules {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private TaskRules() {}

  /**
   * Whether every field of {@code partial} is in {@code full} with a matching value (objects field
   * by field, each element of an array matching some element of the other; a {@code null} in {@code
   * partial} matches a field {@code full} leaves out: both mean absent).
   */
  static boolean isPartialOf(JsonNode partial, JsonNode full) {
    if (partial.isObject() && full.isObject()) {
      for (Map.Entry<String, JsonNode> e : partial.properties()) {
        JsonNode other = full.get(e.getKey());
        if (other == null ? !e.getValue().isNull() : !isPartialOf(e.getValue(), other)) {
          return false;
        }
      }
      return true;
    }
    if (partial.isArray() && full.isArray()) {
      for (JsonNode p : partial) {
        boolean found = false;
        for (JsonNode f : full) {
          if (isPartialOf(p, f)) {
            found = true;
            break;
          }
        }
        if (!found) {
          return false;
        }
      }
      return true;
    }
    return sameValue(partial, full);
  }

  /**
   * Whether {@code left} contradicts {@code right}: a field both have with conflicting values (a
   * field only one has is no conflict), an array element conflicting with every element of the
   * other, or different plain values. A task becomes active again only on a conflict, not merely
   * because the input no longer shows its values.
   */
  static boolean conflicts(JsonNode left, JsonNode right) {
    if (left.isObject() && right.isObject()) {
      for (Map.Entry<String, JsonNode> e : left.properties()) {
        JsonNode other = right.get(e.getKey());
        if (other != null && conflicts(e.getValue(), other)) {
          return true;
        }
      }
      return false;
    }
    if (left.isArray() && right.isArray()) {
      for (JsonNode l : left) {
        boolean all = true;
        for (JsonNode r : right) {
          if (!conflicts(l, r)) {
            all = false;
            break;
          }
        }
        if (all) {
          return true;
        }
      }
      return false;
    }
    return !sameValue(left, right);
  }

  /** JSON equality with numbers compared by value (1 and 1.0 are the same number in JS). */
  private static boolean sameValue(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }
    return a.equals(b);
  }

  /**
   * A task's {@code input} in its stored form {@code {kind: "partial", accept: [..], set}}; the
   * legacy {@code {kind: "partial", value}} of packages built with an older SDK becomes {@code
   * accept: [value], set: value}.
   *
   * @throws IllegalArgumentException with the sentence to answer the package
   */
  static ObjectNode normalizeInput(JsonNode input) {
    if (!input.isObject() || !"partial".equals(input.path("kind").asText(""))) {
      throw new IllegalArgumentException(
          "the task's input must be {kind: \"partial\", accept: [..], set: {..}}");
    }
    JsonNode accept = input.get("accept");
    JsonNode set = input.get("set");
    JsonNode value = input.get("value");
    ArrayNode acceptOut = NODES.arrayNode();
    JsonNode setOut;
    if (accept != null && set != null) {
      if (!accept.isArray()) {
        throw new IllegalArgumentException("the task's input.accept must be an array of objects");
      }
      accept.forEach(acceptOut::add);
      setOut = set;
    } else if (value != null) {
      acceptOut.add(value);
      setOut = value;
    } else {
      throw new IllegalArgumentException(
          "the task's input needs 'accept' and 'set' (or the legacy 'value')");
    }
    for (JsonNode a : acceptOut) {
      if (!a.isObject()) {
        throw new IllegalArgumentException(
            "each entry of the task's input.accept must be an object");
      }
    }
    if (!setOut.isObject()) {
      throw new IllegalArgumentException("the task's input.set must be an object");
    }
    ObjectNode out = NODES.objectNode();
    out.put("kind", "partial");
    out.set("accept", acceptOut);
    out.set("set", setOut);
    return out;
  }

  /** Whether the task waits for the target action's input ({@code input-not-matches}). */
  static boolean waitsForInput(Task task) {
    return task.when().isPresent();
  }

  /** Whether {@code when.once} is set: the task goes away once satisfied. */
  static boolean once(Task task) {
    return task.when().map(w -> w.path("once").asBoolean(false)).orElse(false);
  }

  /** Whether {@code value} (the action's current or new input) satisfies the task. */
  static boolean satisfiedBy(Task task, JsonNode value) {
    JsonNode accept = task.input().map(i -> i.path("accept")).orElse(NODES.arrayNode());
    for (JsonNode a : accept) {
      if (isPartialOf(a, value)) {
        return true;
      }
    }
    return false;
  }

  private static boolean contradictedBy(Task task, JsonNode value) {
    JsonNode accept = task.input().map(i -> i.path("accept")).orElse(NODES.arrayNode());
    for (JsonNode a : accept) {
      if (!conflicts(a, value)) {
        return false;
      }
    }
    return true;
  }

  /** What {@link #update} made of one package's tasks. */
  record Updated(Map<String, TaskEntry> tasks, boolean changed, boolean criticalActivated) {}

  /**
   * The tasks of one package after action {@code actionId} of {@code packageId} ran with {@code
   * input} ({@code wasRun}) or was found to hold it ({@code !wasRun}, a recheck): a task without a
   * condition is done once the action ran; an {@code input-not-matches} task goes inactive when the
   * input satisfies it (or away, with {@code once}, when it ran), and active again when the input
   * contradicts every accepted value.
   */
  static Updated update(
      Map<String, TaskEntry> tasks,
      String packageId,
      String actionId,
      JsonNode input,
      boolean wasRun) {
    Map<String, TaskEntry> out = new LinkedHashMap<>();
    boolean changed = false;
    boolean critical = false;
    for (Map.Entry<String, TaskEntry> e : tasks.entrySet()) {
      TaskEntry entry = e.getValue();
      Task task = entry.task();
      if (!task.packageId().equals(packageId) || !task.actionId().equals(actionId)) {
        out.put(e.getKey(), entry);
        continue;
      }
      if (!waitsForInput(task)) {
        if (wasRun) {
          changed = true;
        } else {
          out.put(e.getKey(), entry);
        }
        continue;
      }
      Optional<TaskEntry> next;
      if (satisfiedBy(task, input)) {
        next = once(task) && wasRun ? Optional.empty() : Optional.of(entry.withActive(false));
      } else if (contradictedBy(task, input)) {
        next = Optional.of(entry.withActive(true));
        if (!entry.active() && task.severity() == Task.Severity.CRITICAL) {
          critical = true;
        }
      } else {
        next = Optional.of(entry);
      }
      if (next.isEmpty() || next.get().active() != entry.active()) {
        changed = true;
      }
      next.ifPresent(n -> out.put(e.getKey(), n));
    }
    return new Updated(out, changed, critical);
  }
}
