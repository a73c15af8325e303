package startos.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import startos.model.Task;
import startos.model.TaskEntry;

class TaskRulesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode json(String s) {
    try {
      return JSON.readTree(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  static Task task(Task.Severity severity, String when, String input) {
    return new Task(
        "bitcoin",
        "config",
        severity,
        Optional.empty(),
        Optional.ofNullable(when).map(TaskRulesTest::json),
        Optional.ofNullable(input).map(i -> TaskRules.normalizeInput(json(i))));
  }

  @Test
  void aPartialMatchesWhenEveryFieldItNamesHasTheSameValue() {
    JsonNode full = json("{\"zmq\":true,\"rpc\":{\"port\":8332,\"users\":[\"a\",\"b\"]}}");
    assertThat(TaskRules.isPartialOf(json("{\"zmq\":true}"), full)).isTrue();
    assertThat(TaskRules.isPartialOf(json("{\"rpc\":{\"users\":[\"b\"]}}"), full)).isTrue();
    assertThat(TaskRules.isPartialOf(json("{\"rpc\":{\"port\":8332.0}}"), full)).isTrue();
    assertThat(TaskRules.isPartialOf(json("{\"zmq\":false}"), full)).isFalse();
    assertThat(TaskRules.isPartialOf(json("{\"missing\":null}"), full))
        .as("null matches a left-out field")
        .isTrue();
    assertThat(TaskRules.isPartialOf(json("{\"missing\":1}"), full)).isFalse();
  }

  @Test
  void onlyAContradictionMakesASatisfiedTaskActiveAgain() {
    JsonNode accept = json("{\"zmq\":true}");
    assertThat(TaskRules.conflicts(accept, json("{\"zmq\":false}"))).isTrue();
    assertThat(TaskRules.conflicts(accept, json("{\"other\":1}"))).isFalse();
  }

  @Test
  void theLegacyValueFormIsStoredAsAcceptAndSet() {
    JsonNode n = TaskRules.normalizeInput(json("{\"kind\":\"partial\",\"value\":{\"zmq\":true}}"));
    assertThat(n)
        .isEqualTo(
            json("{\"kind\":\"partial\",\"accept\":[{\"zmq\":true}],\"set\":{\"zmq\":true}}"));
    assertThatThrownBy(() -> TaskRules.normalizeInput(json("{\"kind\":\"partial\"}")))
        .hasMessageContaining("'accept' and 'set'");
    assertThatThrownBy(() -> TaskRules.normalizeInput(json("{\"kind\":\"all\",\"value\":{}}")))
        .hasMessageContaining("kind: \"partial\"");
  }

  private static Map<String, TaskEntry> tasks(Task t, boolean active) {
    Map<String, TaskEntry> m = new LinkedHashMap<>();
    m.put("r", new TaskEntry(t, active));
    return m;
  }

  private static final String ZMQ =
      "{\"kind\":\"partial\",\"accept\":[{\"zmq\":true}],\"set\":{\"zmq\":true}}";
  private static final String NOT_MATCHES = "{\"condition\":\"input-not-matches\",\"once\":false}";
  private static final String ONCE = "{\"condition\":\"input-not-matches\",\"once\":true}";

  @Test
  void runningTheActionWithAcceptedInputMakesTheTaskInactive() {
    var u =
        TaskRules.update(
            tasks(task(Task.Severity.IMPORTANT, NOT_MATCHES, ZMQ), true),
            "bitcoin",
            "config",
            json("{\"zmq\":true,\"x\":1}"),
            true);
    assertThat(u.changed()).isTrue();
    assertThat(u.tasks().get("r").active()).isFalse();
  }

  @Test
  void aOnceTaskGoesAwayWhenItsActionRanWithAcceptedInput() {
    var u =
        TaskRules.update(
            tasks(task(Task.Severity.IMPORTANT, ONCE, ZMQ), true),
            "bitcoin",
            "config",
            json("{\"zmq\":true}"),
            true);
    assertThat(u.tasks()).isEmpty();
  }

  @Test
  void contradictingInputReactivatesACriticalTaskAndAsksToStopItsService() {
    var u =
        TaskRules.update(
            tasks(task(Task.Severity.CRITICAL, NOT_MATCHES, ZMQ), false),
            "bitcoin",
            "config",
            json("{\"zmq\":false}"),
            true);
    assertThat(u.tasks().get("r").active()).isTrue();
    assertThat(u.criticalActivated()).isTrue();
  }

  @Test
  void aTaskWithoutConditionIsDoneWhenItsActionRanButNotOnARecheck() {
    Map<String, TaskEntry> t = tasks(task(Task.Severity.CRITICAL, null, null), true);
    assertThat(TaskRules.update(t, "bitcoin", "config", json("{}"), true).tasks()).isEmpty();
    assertThat(TaskRules.update(t, "bitcoin", "config", json("{}"), false).tasks()).hasSize(1);
  }

  @Test
  void tasksOnOtherActionsOrPackagesAreLeftAlone() {
    Map<String, TaskEntry> t = tasks(task(Task.Severity.CRITICAL, null, null), true);
    var other = TaskRules.update(t, "bitcoin", "other", json("{}"), true);
    assertThat(other.changed()).isFalse();
    assertThat(TaskRules.update(t, "lnd", "config", json("{}"), true).tasks()).hasSize(1);
  }
}
