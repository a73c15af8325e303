package startos.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static startos.cli.E2eStartd.ok;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Actions and tasks end to end (issue 10 §1, §2): start-cli against a real startd running
 * actions-demo and task-demo in real LXC. The package's handlers run (what they write to their
 * volume is read from the host), bad input is refused before it reaches them, and task-demo's
 * critical task keeps it stopped until its action ran.
 */
@Timeout(600)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ActionsE2eTest {
  /** A configure input that fits every field of actions-demo's form. */
  static final String VALID =
      """
      {"name":"alice","password":"correct-horse-42","email":"a@example.com","motd":null,
       "port":8443,"ratio":0.75,"color":"#112233","startAt":null,"day":null,"enabled":true,
       "uploads":null,"mode":"fast","features":["logs","metrics"],"peers":["peer.local:9000"],
       "users":[{"username":"bob","admin":false}],"advanced":{"threads":4,"label":null},
       "backend":{"selection":"internal","value":{}},"certificate":null}\
      """;

  private E2eStartd box;
  private Path actionsDemo;
  private Path taskDemo;

  @BeforeAll
  void start() throws Exception {
    E2eStartd.assumeContainersAndPackages("actions-demo", "task-demo");
    box = E2eStartd.start("startos-actions-e2e");
    actionsDemo = box.volume("actions-demo", "main");
    taskDemo = box.volume("task-demo", "main");
  }

  @AfterAll
  void stop() throws IOException {
    if (box != null) {
      box.close();
    }
  }

  private void install(String id) {
    Path s9pk = box.pack(E2eStartd.PACKAGES.resolve(id), id + ".s9pk");
    ok(box.run("package", "install", "-s", s9pk.toString()));
  }

  private CliRun.Result refused(String... args) {
    CliRun.Result r = box.run(args);
    assertThat(r.exitCode()).as(r.toString()).isNotZero();
    return r;
  }

  private JsonNode task(String owner, String replayId) throws IOException {
    return box.dump().path("packageData").path(owner).path("tasks").path(replayId);
  }

  @Test
  @Order(1)
  void taskDemoAsksActionsDemoForConfigureWhileItIsNotEnabled() throws Exception {
    install("actions-demo");
    install("task-demo");
    JsonNode t = task("task-demo", "actions-demo:configure");
    assertThat(t.path("task").path("actionId").asText()).as("%s", t).isEqualTo("configure");
    assertThat(t.path("active").asBoolean()).as("no configuration yet: %s", t).isTrue();
    assertThat(task("task-demo", "task-demo:set-up").path("active").asBoolean()).isTrue();
  }

  @Test
  @Order(2)
  void configureRunsWithTheValidatedInputAndSatisfiesTheTaskOnIt() throws Exception {
    CliRun.Result r = box.run("package", "action", "run", "actions-demo", "configure", VALID);
    ok(r);
    assertThat(r.out())
        .contains("Configuration saved")
        .contains("Name: alice")
        .contains("masked; --show-secrets shows it")
        .doesNotContain("correct-horse-42");
    JsonNode last =
        RpcClient.JSON.readTree(Files.readString(actionsDemo.resolve("last-action.json")));
    JsonNode input = last.path("input");
    assertThat(last.path("actionId").asText()).isEqualTo("configure");
    assertThat(input.path("name").asText()).isEqualTo("alice");
    assertThat(input.path("port").asInt()).isEqualTo(8443);
    assertThat(input.path("token").asText())
        .as("the hidden field getInput set came back through the CLI's prefill: %s", input)
        .isEqualTo("set-by-get-input");
    JsonNode t = task("task-demo", "actions-demo:configure");
    assertThat(t.path("active").asBoolean())
        .as("configure ran with enabled=true, which the task accepts: %s", t)
        .isFalse();
  }

  @Test
  @Order(3)
  void invalidInputIsRefusedPerFieldAndTheActionDoesNotRun() throws Exception {
    Path last = actionsDemo.resolve("last-action.json");
    byte[] before = Files.readAllBytes(last);
    Path file = Files.createTempFile("bad-input", ".json");
    Files.writeString(
        file,
        VALID.replace("\"alice\"", "\"A\"").replace("8443", "80").replace("\"fast\"", "\"turbo\""));
    CliRun.Result r =
        refused("package", "action", "run", "actions-demo", "configure", "--file", file.toString());
    assertThat(r.err())
        .contains("invalid input")
        .contains("name")
        .contains("port")
        .contains("mode");
    assertThat(Files.readAllBytes(last)).as("the package never saw the input").isEqualTo(before);
    Files.delete(file);
  }

  @Test
  @Order(4)
  void statusVisibilityAndUnknownNamesAreRefusedWithASentence() {
    assertThat(refused("package", "action", "run", "actions-demo", "only-running").err())
        .contains("runs only while the service is running");
    assertThat(refused("package", "action", "run", "actions-demo", "hidden-action").err())
        .contains("is hidden");
    assertThat(refused("package", "action", "run", "actions-demo", "disabled-action").err())
        .contains("is disabled: Disabled on purpose");
    assertThat(refused("package", "action", "run", "actions-demo", "no-such-action").err())
        .contains("actions-demo has no action 'no-such-action'");
    assertThat(refused("package", "action", "get-input", "no-such-package", "configure").err())
        .contains("package no-such-package is not installed");
    assertThat(refused("package", "action", "run", "actions-demo", "ping", "{\"x\":1}").err())
        .contains("takes no input");
  }

  @Test
  @Order(5)
  void maskedResultsAreHiddenUnlessAskedAndQrCodesDrawOnRequest() throws Exception {
    String secret =
        RpcClient.JSON.readTree(Files.readString(actionsDemo.resolve("secret.json"))).asText();
    CliRun.Result hidden = box.run("package", "action", "run", "actions-demo", "show-secret");
    ok(hidden);
    assertThat(hidden.out()).contains("masked; --show-secrets shows it").doesNotContain(secret);
    CliRun.Result shown =
        box.run("package", "action", "run", "actions-demo", "show-secret", "--show-secrets");
    ok(shown);
    assertThat(shown.out()).contains(secret);
    CliRun.Result qr = box.run("package", "action", "run", "actions-demo", "show-qr", "--qr");
    ok(qr);
    assertThat(qr.out()).contains("actions-demo:pair?code=0123456789").contains("█").contains("▀");
  }

  @Test
  @Order(6)
  void anotherPackageRunsOnlyPublicActions() throws Exception {
    ok(box.run("package", "action", "run", "task-demo", "run-remote", "{\"actionId\":\"ping\"}"));
    // task-demo's handler records the host's refusal and rethrows it, so the user sees it too
    CliRun.Result refused =
        box.run(
            "package",
            "action",
            "run",
            "task-demo",
            "run-remote",
            "{\"actionId\":\"show-secret\"}");
    assertThat(refused.exitCode()).as("%s", refused).isNotZero();
    assertThat(refused.err()).contains("for the user only; other packages cannot run it");
    JsonNode ping = RpcClient.JSON.readTree(Files.readString(taskDemo.resolve("remote-ping.json")));
    assertThat(ping.path("ok").asBoolean()).as("%s", ping).isTrue();
    JsonNode secret =
        RpcClient.JSON.readTree(Files.readString(taskDemo.resolve("remote-show-secret.json")));
    assertThat(secret.path("ok").asBoolean()).isFalse();
    assertThat(secret.toString()).contains("for the user only");
  }

  @Test
  @Order(7)
  void aTaskOnAMissingActionIsRefused() throws Exception {
    ok(
        box.run(
            "package",
            "action",
            "run",
            "task-demo",
            "misbehave",
            "{\"kind\":\"task-missing-action\"}"));
    JsonNode answer =
        RpcClient.JSON.readTree(
            Files.readString(taskDemo.resolve("misbehave-task-missing-action.json")));
    assertThat(answer.path("ok").asBoolean()).as("%s", answer).isFalse();
    assertThat(answer.toString()).contains("has no such action");
    assertThat(task("task-demo", "task-demo:no-such-action").isMissingNode()).isTrue();
  }

  @Test
  @Order(8)
  void taskDemoStartsOnlyAfterItsCriticalTaskRan() throws Exception {
    assertThat(refused("package", "start", "task-demo").err())
        .contains("critical task")
        .contains("set-up");
    assertThat(refused("package", "action", "clear-task", "task-demo", "task-demo:set-up").err())
        .contains("is critical");
    assertThat(taskDemo.resolve("main-started.log")).doesNotExist();
    ok(box.run("package", "action", "run", "task-demo", "set-up", "{\"admin\":\"root\"}"));
    assertThat(task("task-demo", "task-demo:set-up").isMissingNode())
        .as("the task is done once its action ran")
        .isTrue();
    ok(box.run("package", "action", "clear-task", "task-demo", "task-demo:tune"));
    assertThat(task("task-demo", "task-demo:tune").isMissingNode()).isTrue();
    ok(box.run("package", "start", "task-demo"));
    box.awaitDb(
        "task-demo's main started", db -> Files.exists(taskDemo.resolve("main-started.log")));
  }
}
