package startos.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static startos.action.TaskRulesTest.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import startos.model.ActionMetadata;
import startos.model.ActionMetadata.AllowedStatuses;
import startos.model.ActionMetadata.Visibility;
import startos.model.Database;
import startos.model.PackageDataEntry;
import startos.model.PackageState;
import startos.model.Task;
import startos.model.TaskEntry;
import startos.patchdb.PatchDb;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

class PackageActionsTest {
  private static final String FORM =
      "{\"spec\":{\"name\":{\"type\":\"text\",\"name\":\"Name\",\"description\":null,"
          + "\"warning\":null,\"required\":true,\"default\":null,\"minLength\":3,\"maxLength\":8,"
          + "\"patterns\":[],\"masked\":false,\"inputmode\":\"text\",\"placeholder\":null,"
          + "\"disabled\":false,\"immutable\":false,\"generate\":null},"
          + "\"zmq\":{\"type\":\"toggle\",\"name\":\"ZMQ\",\"description\":null,\"warning\":null,"
          + "\"default\":false,\"disabled\":false,\"immutable\":false}},"
          + "\"value\":{\"name\":\"old\",\"zmq\":false}}";
  private static final JsonNode RESULT =
      json("{\"version\":\"1\",\"title\":\"Done\",\"message\":null,\"result\":null}");

  /** The service layer's part: answers procedures from a table, records every call. */
  static final class FakeHost implements ActionHost {
    final Map<String, JsonNode> answers = new HashMap<>();
    final List<String> calls = new ArrayList<>();
    final List<JsonNode> inputs = new ArrayList<>();
    final Set<String> initialized = new HashSet<>();
    final List<String> stopped = new ArrayList<>();

    @Override
    public JsonNode execute(
        String packageId, String eventId, String procedure, JsonNode input, Duration timeout) {
      calls.add(packageId + procedure);
      inputs.add(input);
      JsonNode a = answers.get(packageId + procedure);
      if (a == null) {
        throw new RpcException(ErrorKind.ACTION, "no answer for " + procedure);
      }
      return a;
    }

    @Override
    public boolean initialized(String packageId) {
      return initialized.contains(packageId);
    }

    @Override
    public void stopForCriticalTask(String packageId) {
      stopped.add(packageId);
    }
  }

  private final Database db = new Database(PatchDb.inMemory());
  private final FakeHost host = new FakeHost();
  private final PackageActions actions = new PackageActions(db, host);

  PackageActionsTest() {
    db.mutate(tx -> {
      tx.putPackage("bitcoin", entry(false));
      tx.putPackage("lnd", entry(false));
      return null;
    });
    host.initialized.add("bitcoin");
    host.answers.put("bitcoin/actions/config/getInput", json(FORM));
    host.answers.put("bitcoin/actions/config/run", RESULT);
    host.answers.put("bitcoin/actions/ping/run", NullNode.getInstance());
  }

  private static ActionMetadata meta(
      Visibility v, AllowedStatuses s, boolean input, ActionMetadata.Access access) {
    return new ActionMetadata(
        "A", "d", Optional.empty(), v, s, input, Optional.empty(), Optional.of(access));
  }

  private static PackageDataEntry entry(boolean running) {
    PackageDataEntry e =
        PackageDataEntry.fresh(
            new PackageState.Installed(json("{\"id\":\"x\",\"version\":\"1.0.0:0\"}")),
            "/x.s9pk",
            "key",
            "data:,");
    if (running) {
      e = e.withStatusInfo(e.statusInfo().withStarted(Optional.of(Instant.EPOCH)));
    }
    return e;
  }

  private void export(String id, ActionMetadata m) {
    db.updatePackage(
        "bitcoin", e -> e.withActions(startos.model.ModelJson.with(e.actions(), id, m)));
  }

  private void config() {
    export(
        "config", meta(Visibility.ENABLED, AllowedStatuses.ANY, true, ActionMetadata.Access.USER));
  }

  @Test
  void theUsersInputIsValidatedAgainstTheFormAndNeverReachesThePackageWhenRefused() {
    config();
    assertThatThrownBy(() ->
            actions.run(ActionCaller.USER, "bitcoin", "config", json("{\"name\":\"x\"}"), "e1"))
        .isInstanceOf(RpcException.class)
        .hasMessageContaining("name")
        .hasMessageContaining("3");
    assertThat(host.calls).doesNotContain("bitcoin/actions/config/run");
  }

  @Test
  void acceptedInputReachesThePackageAndItsResultComesBackAsItWasReturned() {
    config();
    JsonNode r =
        actions.run(
            ActionCaller.USER,
            "bitcoin",
            "config",
            json("{\"name\":\"alice\",\"zmq\":true}"),
            "e1");
    assertThat(r).isEqualTo(RESULT);
    assertThat(host.inputs.get(host.inputs.size() - 1).path("input").path("name").asText())
        .isEqualTo("alice");
  }

  @Test
  void getInputAnswersTheEventIdSpecAndCurrentValue() {
    config();
    ObjectNodeAssert.assertForm(actions.getInput(ActionCaller.USER, "bitcoin", "config", "ev"));
  }

  static final class ObjectNodeAssert {
    static void assertForm(Optional<com.fasterxml.jackson.databind.node.ObjectNode> form) {
      assertThat(form).isPresent();
      assertThat(form.get().path("eventId").asText()).isEqualTo("ev");
      assertThat(form.get().path("spec").has("name")).isTrue();
      assertThat(form.get().path("value").path("name").asText()).isEqualTo("old");
    }
  }

  @Test
  void unknownPackageAndActionAreNotFoundWithASentence() {
    assertThatThrownBy(() -> actions.run(ActionCaller.USER, "nope", "config", json("{}"), "e"))
        .hasMessageContaining("package nope is not installed");
    config();
    assertThatThrownBy(() -> actions.run(ActionCaller.USER, "bitcoin", "zap", json("{}"), "e"))
        .hasMessageContaining("bitcoin has no action 'zap' (it has: config)");
  }

  @Test
  void statusRulesAreEnforcedForEveryCaller() {
    export(
        "ping",
        meta(
            Visibility.ENABLED, AllowedStatuses.ONLY_RUNNING, false, ActionMetadata.Access.PUBLIC));
    assertThatThrownBy(() -> actions.run(ActionCaller.USER, "bitcoin", "ping", null, "e"))
        .hasMessageContaining("runs only while the service is running");
    assertThatThrownBy(
            () -> actions.run(new ActionCaller.Package("lnd"), "bitcoin", "ping", null, "e"))
        .hasMessageContaining("runs only while the service is running");
    db.updatePackage("bitcoin", e -> e.withStatusInfo(entry(true).statusInfo()));
    actions.run(ActionCaller.USER, "bitcoin", "ping", null, "e");
    export(
        "ping",
        meta(
            Visibility.ENABLED, AllowedStatuses.ONLY_STOPPED, false, ActionMetadata.Access.PUBLIC));
    assertThatThrownBy(() -> actions.run(ActionCaller.USER, "bitcoin", "ping", null, "e"))
        .hasMessageContaining("runs only while the service is stopped");
  }

  @Test
  void hiddenActionsAreRefusedToTheUserUnlessATaskAsksForThem() {
    export(
        "ping", meta(Visibility.HIDDEN, AllowedStatuses.ANY, false, ActionMetadata.Access.PUBLIC));
    assertThatThrownBy(() -> actions.run(ActionCaller.USER, "bitcoin", "ping", null, "e"))
        .hasMessageContaining("is hidden");
    assertThat(host.calls).isEmpty();
    actions.run(new ActionCaller.Package("lnd"), "bitcoin", "ping", null, "e");
    actions.createTask(
        "lnd",
        "lnd:ping",
        new Task(
            "bitcoin",
            "ping",
            Task.Severity.IMPORTANT,
            Optional.empty(),
            Optional.empty(),
            Optional.empty()));
    actions.run(ActionCaller.USER, "bitcoin", "ping", null, "e");
    assertThat(db.packageEntry("lnd").orElseThrow().tasks()).as("done once it ran").isEmpty();
  }

  @Test
  void disabledActionsAreRefusedWithTheirReason() {
    export(
        "ping",
        meta(
            Visibility.disabled("not now"),
            AllowedStatuses.ANY,
            false,
            ActionMetadata.Access.PUBLIC));
    assertThatThrownBy(() -> actions.run(ActionCaller.USER, "bitcoin", "ping", null, "e"))
        .hasMessageContaining("is disabled: not now");
  }

  @Test
  void anotherPackageRunsOnlyPublicActionsOrThoseForItsDependents() {
    export(
        "ping", meta(Visibility.ENABLED, AllowedStatuses.ANY, false, ActionMetadata.Access.USER));
    assertThatThrownBy(
            () -> actions.run(new ActionCaller.Package("lnd"), "bitcoin", "ping", null, "e"))
        .hasMessageContaining("for the user only");
    export(
        "ping",
        meta(Visibility.ENABLED, AllowedStatuses.ANY, false, ActionMetadata.Access.DEPENDENT));
    assertThatThrownBy(
            () -> actions.run(new ActionCaller.Package("lnd"), "bitcoin", "ping", null, "e"))
        .hasMessageContaining("only for packages that depend on bitcoin");
    assertThat(host.calls).isEmpty();
    actions.run(new ActionCaller.Package("bitcoin"), "bitcoin", "ping", null, "e");
    assertThat(host.calls).containsExactly("bitcoin/actions/ping/run");
  }

  @Test
  void aHugeOrMalformedAnswerFromThePackageIsRefused() {
    export(
        "ping", meta(Visibility.ENABLED, AllowedStatuses.ANY, false, ActionMetadata.Access.USER));
    host.answers.put(
        "bitcoin/actions/ping/run",
        json(
            "{\"version\":\"1\",\"title\":\""
                + "x".repeat(PackageActions.MAX_ANSWER_BYTES)
                + "\"}"));
    assertThatThrownBy(() -> actions.run(ActionCaller.USER, "bitcoin", "ping", null, "e"))
        .hasMessageContaining("at most " + PackageActions.MAX_ANSWER_BYTES);
    host.answers.put("bitcoin/actions/ping/run", json("[1,2]"));
    assertThatThrownBy(() -> actions.run(ActionCaller.USER, "bitcoin", "ping", null, "e"))
        .hasMessageContaining("not an ActionResult");
  }

  @Test
  void aBadEventIdIsRefused() {
    config();
    assertThatThrownBy(
            () -> actions.run(ActionCaller.USER, "bitcoin", "config", json("{}"), "x".repeat(65)))
        .hasMessageContaining("eventId");
  }

  private static Task zmqTask(Task.Severity s, boolean once) {
    return new Task(
        "bitcoin",
        "config",
        s,
        Optional.of("LND needs ZMQ"),
        Optional.of(json("{\"condition\":\"input-not-matches\",\"once\":" + once + "}")),
        Optional.of(json("{\"kind\":\"partial\",\"value\":{\"zmq\":true}}")));
  }

  @Test
  void aTaskIsStoredOnTheRequesterActiveWhileTheTargetsInputDoesNotMatch() {
    config();
    actions.createTask("lnd", "bitcoin:config", zmqTask(Task.Severity.CRITICAL, false));
    TaskEntry t = db.packageEntry("lnd").orElseThrow().tasks().get("bitcoin:config");
    assertThat(t.active()).isTrue();
    assertThat(t.task().input().orElseThrow().path("accept").get(0).path("zmq").asBoolean())
        .as("the legacy form is stored as accept/set")
        .isTrue();
    assertThat(host.stopped).containsExactly("lnd");
    assertThat(actions.criticalTaskBlockingStart("lnd"))
        .hasValueSatisfying(s -> assertThat(s).contains("bitcoin:config").contains("force"));
    actions.run(
        ActionCaller.USER, "bitcoin", "config", json("{\"name\":\"alice\",\"zmq\":true}"), "e");
    assertThat(db.packageEntry("lnd").orElseThrow().tasks().get("bitcoin:config").active())
        .as("running the target action re-evaluates the task on another package")
        .isFalse();
    assertThat(actions.criticalTaskBlockingStart("lnd")).isEmpty();
  }

  @Test
  void aOnceTaskAlreadySatisfiedIsNotStored() {
    config();
    host.answers.put(
        "bitcoin/actions/config/getInput", json(FORM.replace("\"zmq\":false}}", "\"zmq\":true}}")));
    actions.createTask("lnd", "bitcoin:config", zmqTask(Task.Severity.IMPORTANT, true));
    assertThat(db.packageEntry("lnd").orElseThrow().tasks()).isEmpty();
  }

  @Test
  void aReplayedTaskKeepsItsStateWhileTheTargetIsNotInitializedAndIsRecheckedAfter() {
    config();
    host.answers.put(
        "bitcoin/actions/config/getInput", json(FORM.replace("\"zmq\":false}}", "\"zmq\":true}}")));
    actions.createTask("lnd", "bitcoin:config", zmqTask(Task.Severity.CRITICAL, false));
    assertThat(db.packageEntry("lnd").orElseThrow().tasks().get("bitcoin:config").active())
        .isFalse();
    host.initialized.clear();
    // boot: lnd's init replays the task before bitcoin's init finished
    actions.createTask("lnd", "bitcoin:config", zmqTask(Task.Severity.CRITICAL, false));
    assertThat(db.packageEntry("lnd").orElseThrow().tasks().get("bitcoin:config").active())
        .as("not forced active (which would keep lnd stopped) on an assumption")
        .isFalse();
    assertThat(host.stopped).isEmpty();
    host.initialized.add("bitcoin");
    host.answers.put("bitcoin/actions/config/getInput", json(FORM));
    actions.recheckTasksOn("bitcoin");
    assertThat(db.packageEntry("lnd").orElseThrow().tasks().get("bitcoin:config").active())
        .isTrue();
    assertThat(host.stopped).containsExactly("lnd");
  }

  @Test
  void aTaskOnAnActionTheInitializedTargetDoesNotHaveIsRefused() {
    config();
    assertThatThrownBy(() ->
            actions.createTask(
                "lnd",
                "x",
                new Task(
                    "bitcoin",
                    "zap",
                    Task.Severity.CRITICAL,
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty())))
        .hasMessageContaining("bitcoin has no such action");
    assertThat(db.packageEntry("lnd").orElseThrow().tasks()).isEmpty();
    assertThatThrownBy(() ->
            actions.createTask(
                "lnd",
                "x",
                new Task(
                    "bitcoin",
                    "config",
                    Task.Severity.CRITICAL,
                    Optional.empty(),
                    Optional.of(json("{\"condition\":\"input-not-matches\",\"once\":false}")),
                    Optional.empty())))
        .hasMessageContaining("needs an input");
  }

  @Test
  void aCriticalTaskIsClearedOnlyWithForce() {
    config();
    actions.createTask("lnd", "bitcoin:config", zmqTask(Task.Severity.CRITICAL, false));
    assertThatThrownBy(() -> actions.clearTask("lnd", "bitcoin:config", false))
        .hasMessageContaining("is critical");
    assertThatThrownBy(() -> actions.clearTask("lnd", "nope", true))
        .hasMessageContaining("lnd has no task 'nope'");
    actions.clearTask("lnd", "bitcoin:config", true);
    assertThat(db.packageEntry("lnd").orElseThrow().tasks()).isEmpty();
  }
}
