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
 * Dependency satisfaction end to end: dependent-demo (needs hello-world running with its health
 * check {@code primary} passing) next to hello-world on a real startd in real LXC, through
 * start-cli. What dependent-demo itself sees ({@code dependencies.json}, the check-dependencies
 * answer it records on every status callback) and what the host says ({@code currentDependencies},
 * {@code package dependencies}) follow hello-world as it is stopped and started. As StartOS does,
 * nothing is refused and no dependent is stopped: start-cli warns as StartOS's UI warns.
 */
@Timeout(480)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DependencySatisfactionE2eTest {
  private E2eStartd box;
  private Path dependent;

  @BeforeAll
  void start() throws Exception {
    E2eStartd.assumeContainersAndPackages("hello-world", "dependent-demo");
    box = E2eStartd.start("startos-deps-e2e");
  }

  @AfterAll
  void stop() throws IOException {
    if (box != null) {
      box.close();
    }
  }

  private CliRun.Result install(String id) {
    Path s9pk = box.pack(E2eStartd.PACKAGES.resolve(id), id + ".s9pk");
    CliRun.Result r = box.run("package", "install", "-s", s9pk.toString());
    ok(r);
    return r;
  }

  private String dependencies() {
    CliRun.Result r = box.run("package", "dependencies", "dependent-demo");
    ok(r);
    return r.out();
  }

  /** dependent-demo's latest check-dependencies answer about hello-world, once it says so. */
  private JsonNode awaitCheck(String what, java.util.function.Predicate<JsonNode> done)
      throws Exception {
    Path file = dependent.resolve("dependencies.json");
    JsonNode[] last = new JsonNode[1];
    box.awaitDb(
        "dependent-demo's dependencies.json: " + what,
        db -> {
          try {
            if (!Files.exists(file)) {
              return false;
            }
            last[0] = RpcClient.JSON.readTree(Files.readString(file)).path("check").path(0);
            return done.test(last[0]);
          } catch (IOException e) {
            return false;
          }
        });
    return last[0];
  }

  private static boolean healthy(JsonNode check) {
    return check.path("isRunning").asBoolean()
        && check.path("healthChecks").path("primary").path("result").asText().equals("success");
  }

  @Test
  @Order(1)
  void installingWithoutItsRequiredDependencyWarnsWhatIsMissing() throws Exception {
    CliRun.Result r = install("dependent-demo");
    assertThat(r.err())
        .contains(
            "warning: dependent-demo has unmet dependencies and will not work as expected until"
                + " they are met: hello-world is not installed");
    assertThat(dependencies()).contains("hello-world").contains("hello-world is not installed");
  }

  @Test
  @Order(2)
  void aRunningHealthyDependencySatisfiesTheDependent() throws Exception {
    install("hello-world");
    ok(box.run("package", "start", "hello-world"));
    box.awaitHealthy("hello-world");
    CliRun.Result start = box.run("package", "start", "dependent-demo");
    ok(start);
    assertThat(start.err()).doesNotContain("unmet dependencies");
    box.awaitHealthy("dependent-demo");
    dependent = box.volume("dependent-demo", "main");
    JsonNode check = awaitCheck("hello-world running and healthy", c -> healthy(c));
    assertThat(check.path("packageId").asText()).isEqualTo("hello-world");
    assertThat(check.path("title").asText())
        .as("the title dependent-demo's own archive gives its dependency")
        .isEqualTo("Hello World");
    JsonNode current =
        box.dump().path("packageData").path("dependent-demo").path("currentDependencies");
    assertThat(current.path("hello-world").path("kind").asText()).isEqualTo("running");
    assertThat(current.path("hello-world").path("versionRange").asText()).isEqualTo(">=1.0.0:0");
    assertThat(current.path("hello-world").path("healthChecks").toString())
        .isEqualTo("[\"primary\"]");
    assertThat(current.path("hello-world").path("icon").asText()).startsWith("data:image/svg+xml");
    assertThat(dependencies()).contains("yes").doesNotContain("not running");
  }

  @Test
  @Order(3)
  void stoppingTheDependencyLeavesTheDependentRunningButUnsatisfied() throws Exception {
    CliRun.Result stop = box.run("package", "stop", "hello-world");
    ok(stop);
    assertThat(stop.err())
        .contains(
            "warning: services that depend on hello-world will no longer work properly and may"
                + " crash: dependent-demo");
    JsonNode check = awaitCheck("hello-world stopped", c -> !c.path("isRunning").asBoolean());
    assertThat(check.path("installedVersion").asText()).isNotEmpty();
    assertThat(dependencies()).contains("hello-world is not running");
    // StartOS stops nothing else: dependent-demo keeps running (and keeps serving what it mounted)
    assertThat(E2eStartd.status(box.dump(), "dependent-demo").path("desired").path("main").asText())
        .isEqualTo("running");
    ok(box.run("package", "stop", "dependent-demo"));
    box.awaitDb(
        "dependent-demo stopped",
        db -> E2eStartd.status(db, "dependent-demo").path("started").isNull());
    CliRun.Result start = box.run("package", "start", "dependent-demo");
    ok(start);
    assertThat(start.err())
        .contains("warning: dependent-demo has unmet dependencies")
        .contains("hello-world is not running");
  }

  @Test
  @Order(4)
  void startingTheDependencyAgainSatisfiesTheDependentOnceHealthy() throws Exception {
    box.awaitHealthy("dependent-demo");
    ok(box.run("package", "start", "hello-world"));
    box.awaitHealthy("hello-world");
    JsonNode check = awaitCheck("hello-world healthy again", c -> healthy(c));
    assertThat(check.path("healthChecks").path("primary").path("result").asText())
        .isEqualTo("success");
    assertThat(dependencies()).doesNotContain("not running").contains("yes");
  }
}
