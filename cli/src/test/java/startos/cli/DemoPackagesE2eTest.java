package startos.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static startos.cli.E2eStartd.ok;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The SDK test packages of issue 10 (actions-demo, task-demo, dependent-demo, smtp-demo) install on
 * a real startd in real LXC, and what their init declares reaches the database: actions-demo's
 * actions, task-demo's tasks, dependent-demo's dependency. The features themselves are tested where
 * they are built; this only pins that the packages are usable by those tests.
 */
@Timeout(420)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DemoPackagesE2eTest {
  private E2eStartd box;

  @BeforeAll
  void start() throws Exception {
    E2eStartd.assumeContainersAndPackages(
        "hello-world", "actions-demo", "task-demo", "dependent-demo", "smtp-demo");
    box = E2eStartd.start("startos-demo-e2e");
  }

  @AfterAll
  void stop() throws IOException {
    if (box != null) {
      box.close();
    }
  }

  private void install(String id) {
    Path s9pk = box.pack(E2eStartd.PACKAGES.resolve(id), id + ".s9pk");
    long t0 = System.nanoTime();
    ok(box.run("package", "install", "-s", s9pk.toString()));
    E2eStartd.log("install " + id, t0);
  }

  @Test
  @Order(1)
  void actionsDemoInstallsAndExportsEveryActionWithItsMetadata() throws Exception {
    install("actions-demo");
    JsonNode actions =
        box.awaitDb(
                "actions-demo's actions exported",
                db -> db.path("packageData").path("actions-demo").path("actions").size() == 9)
            .path("packageData")
            .path("actions-demo")
            .path("actions");
    List<String> ids = new ArrayList<>();
    actions.fieldNames().forEachRemaining(ids::add);
    assertThat(ids)
        .containsExactlyInAnyOrder(
            "configure",
            "ping",
            "show-secret",
            "show-qr",
            "only-running",
            "only-stopped",
            "hidden-action",
            "disabled-action",
            "fails");
    assertThat(actions.path("configure").path("hasInput").asBoolean()).isTrue();
    assertThat(actions.path("configure").path("name").asText()).isEqualTo("Configure");
    assertThat(actions.path("ping").path("hasInput").asBoolean()).isFalse();
    assertThat(actions.path("show-secret").path("group").asText()).isEqualTo("Results");
    assertThat(actions.path("only-running").path("allowedStatuses").asText())
        .isEqualTo("only-running");
    assertThat(actions.path("only-stopped").path("allowedStatuses").asText())
        .isEqualTo("only-stopped");
    assertThat(actions.path("only-stopped").path("warning").asText()).contains("removes");
    assertThat(actions.path("configure").path("visibility").asText()).isEqualTo("enabled");
    assertThat(actions.path("hidden-action").path("visibility").asText()).isEqualTo("hidden");
    assertThat(actions.path("disabled-action").path("visibility").path("disabled").asText())
        .startsWith("Disabled on purpose");
    assertThat(box.volume("actions-demo", "main").resolve("secret.json"))
        .as("the secret init made for show-secret")
        .content()
        .matches("\"[A-Za-z0-9]{24}\"\\s*");
  }

  @Test
  @Order(2)
  void taskDemoInstallsWithItsCriticalImportantAndCrossPackageTasks() throws Exception {
    install("task-demo");
    JsonNode tasks =
        box.awaitDb(
                "task-demo's tasks",
                db -> db.path("packageData").path("task-demo").path("tasks").size() >= 3)
            .path("packageData")
            .path("task-demo")
            .path("tasks");
    assertThat(tasks.path("task-demo:set-up").path("task").path("severity").asText())
        .isEqualTo("critical");
    assertThat(tasks.path("task-demo:tune").path("task").path("severity").asText())
        .isEqualTo("important");
    JsonNode onActionsDemo = tasks.path("actions-demo:configure").path("task");
    assertThat(onActionsDemo.path("packageId").asText()).isEqualTo("actions-demo");
    assertThat(onActionsDemo.path("when").path("condition").asText())
        .isEqualTo("input-not-matches");
    assertThat(onActionsDemo.path("input").path("set").path("enabled").asBoolean()).isTrue();
    assertThat(box.volume("task-demo", "main").resolve("main-started.log"))
        .as("task-demo never started")
        .doesNotExist();
  }

  @Test
  @Order(3)
  void dependentDemoInstallsNextToHelloWorldWithARunningDependency() throws Exception {
    install("hello-world");
    install("dependent-demo");
    JsonNode dep =
        box.awaitDb(
                "dependent-demo's dependency",
                db ->
                    db.path("packageData")
                        .path("dependent-demo")
                        .path("currentDependencies")
                        .has("hello-world"))
            .path("packageData")
            .path("dependent-demo")
            .path("currentDependencies")
            .path("hello-world");
    assertThat(dep.path("kind").asText()).isEqualTo("running");
    assertThat(dep.path("healthChecks").toString()).isEqualTo("[\"primary\"]");
  }

  @Test
  @Order(4)
  void smtpDemoInstallsAndRecordsTheSmtpSettingsItSawAtInit() throws Exception {
    install("smtp-demo");
    Path seen = box.volume("smtp-demo", "main").resolve("smtp-at-init.json");
    assertThat(seen).exists();
    assertThat(RpcClient.JSON.readTree(Files.readString(seen)).path("smtp").isNull())
        .as("no SMTP settings on a fresh server: %s", Files.readString(seen))
        .isTrue();
    assertThat(
            box.dump().path("packageData").path("smtp-demo").path("actions").has("send-test-mail"))
        .isTrue();
  }

  @Test
  @Order(5)
  void theirMainsRunAndRecordWhatTheyWatch() throws Exception {
    for (String id : List.of("actions-demo", "hello-world", "dependent-demo", "smtp-demo")) {
      ok(box.run("package", "start", id));
    }
    for (String id : List.of("actions-demo", "hello-world", "dependent-demo", "smtp-demo")) {
      box.awaitHealthy(id);
    }
    Path dependent = box.volume("dependent-demo", "main");
    JsonNode status = awaitJson(dependent.resolve("hello-world-status.json"));
    assertThat(status.path("status").path("desired").path("main").asText())
        .as("hello-world's status as dependent-demo read it: %s", status)
        .isIn("running", "stopped");
    assertThat(awaitJson(dependent.resolve("dependencies.json")).path("check").toString())
        .contains("hello-world");
    assertThat(awaitJson(dependent.resolve("hello-world-interface.json")).path("name").asText())
        .isEqualTo("Web UI");
    assertThat(awaitJson(dependent.resolve("hello-world-host.json")).path("bindings").toString())
        .contains("80");
    assertThat(E2eStartd.get(box.assignedPort("dependent-demo")))
        .as("dependent-demo serves hello-world's page from the mounted volume")
        .hasValueSatisfying(page -> assertThat(page).contains("Hello World"));
    JsonNode smtp = awaitJson(box.volume("smtp-demo", "main").resolve("smtp.json"));
    assertThat(smtp.path("smtp").isNull()).as("smtp.json: %s", smtp).isTrue();
  }

  /** A JSON file a package writes (by rename, so never half written), once it exists. */
  private JsonNode awaitJson(Path file) throws Exception {
    box.awaitDb(file + " written", db -> Files.exists(file));
    return RpcClient.JSON.readTree(Files.readString(file));
  }
}
