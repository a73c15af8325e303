package startos.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static startos.cli.E2eStartd.ok;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The public database a real startd publishes, type-checked against StartOS's own API types as the
 * official SDK ships them ({@code T.Public}, {@code T.ServerInfo}, {@code T.PackageDataEntry}) with
 * {@code tsc --strict} ({@code test-tools/sdk-compat/db-types-check.mjs}): each dump becomes an
 * object literal, so a field StartOS does not have fails as well as a missing or mistyped one.
 * StartOS's UI and packages are written against these types.
 *
 * <p>Dumps: a fresh server; test packages installed, running and healthy (hello-world, and
 * dep-watcher with its dependency recorded), stopped, failed (hello-world's runtime killed from the
 * host: statusInfo.error until startd brings it back) and installing (slow-init held in its init).
 * The private database has no SDK type (StartOS keeps it out of its TypeScript bindings), so it is
 * not checked here.
 */
@Timeout(300)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DbMatchesSdkTypesE2eTest {
  private static final Path CHECKER = E2eStartd.REPO.resolve("test-tools/sdk-compat");

  private E2eStartd box;

  /** A value to check: what it is, the SDK type it must have ({@code T.<type>}) and the JSON. */
  private record Value(String name, String type, JsonNode json) {}

  private final List<Value> values = new ArrayList<>();

  @BeforeAll
  void start() throws Exception {
    E2eStartd.assumeContainersAndPackages(
        "hello-world", "dep-watcher", "slow-init", "actions-demo", "task-demo");
    assertThat(CHECKER.resolve("node_modules/@start9labs/start-sdk"))
        .as("the official SDK in test-tools/sdk-compat (npm-projects.d/sdk-compat.sh installs it)")
        .isDirectory();
    box = E2eStartd.start("startos-types-e2e");
  }

  @AfterAll
  void stop() throws IOException {
    if (box != null) {
      box.close();
    }
  }

  @Test
  void everyDumpTypeChecksAgainstTheSdksOwnTypes() throws Exception {
    Path hello = box.pack(E2eStartd.PACKAGES.resolve("hello-world"), "hello-world.s9pk");
    Path watcher = box.pack(E2eStartd.PACKAGES.resolve("dep-watcher"), "dep-watcher.s9pk");
    Path slow = box.pack(E2eStartd.PACKAGES.resolve("slow-init"), "slow-init.s9pk");

    JsonNode fresh = box.dump();
    take("fresh server", fresh);
    values.add(new Value("fresh server serverInfo", "ServerInfo", fresh.get("serverInfo")));

    ok(box.run("package", "install", "-s", hello.toString()));
    ok(box.run("package", "install", "-s", watcher.toString()));
    take("installed", box.dump());

    ok(box.run("package", "start", "hello-world"));
    ok(box.run("package", "start", "dep-watcher"));
    box.awaitHealthy("hello-world");
    box.awaitHealthy("dep-watcher");
    take("running", box.dump());

    // actions of every visibility and status rule, and tasks (critical, important, on another
    // package) in the entries
    Path actions = box.pack(E2eStartd.PACKAGES.resolve("actions-demo"), "actions-demo.s9pk");
    Path tasks = box.pack(E2eStartd.PACKAGES.resolve("task-demo"), "task-demo.s9pk");
    ok(box.run("package", "install", "-s", actions.toString()));
    ok(box.run("package", "install", "-s", tasks.toString()));
    JsonNode withActions = box.dump();
    assertThat(withActions.at("/packageData/actions-demo/actions").size()).isPositive();
    assertThat(withActions.findValues("tasks").stream().mapToInt(JsonNode::size).sum())
        .as("tasks somewhere in the entries")
        .isPositive();
    take("actions and tasks", withActions);

    ok(box.run("package", "stop", "dep-watcher"));
    take(
        "stopped",
        box.awaitDb(
            "dep-watcher stopped",
            db -> {
              JsonNode st = E2eStartd.status(db, "dep-watcher");
              return st.at("/desired/main").asText().equals("stopped")
                  && st.path("started").isNull();
            }));

    long node = E2eStartd.nodePid("hello-world");
    assertThat(ProcessHandle.of(node).map(ProcessHandle::destroyForcibly)).contains(true);
    // startd brings it back after 1 s: the error shows until then
    take(
        "failed",
        box.awaitDb(
            "hello-world's error after its runtime was killed",
            db -> E2eStartd.status(db, "hello-world").at("/error/details").isTextual()));

    Path slowVolume = box.volume("slow-init", "main");
    CompletableFuture<CliRun.Result> install =
        CompletableFuture.supplyAsync(() -> box.run("package", "install", "-s", slow.toString()));
    try {
      box.awaitDb(
          "slow-init's init waiting",
          db -> Files.exists(slowVolume.resolve("init-waiting")) || install.isDone());
      assertThat(install).as("the install ended before its init waited").isNotDone();
      take("installing", box.dump());
    } finally {
      Files.createDirectories(slowVolume);
      Files.writeString(slowVolume.resolve("init-go"), "go\n");
      ok(install.get(120, TimeUnit.SECONDS));
    }

    List<String> mismatches = check();
    assertThat(mismatches)
        .as("fields of our public database that do not match StartOS's types (SDK 2.0.9)")
        .isEmpty();
  }

  /** The whole public database as {@code T.Public} (its entries are {@code T.PackageDataEntry}). */
  private void take(String name, JsonNode publicDb) {
    values.add(new Value(name, "Public", publicDb));
  }

  /**
   * Runs the checker on every value taken; returns its mismatch lines. The values and the jobs file
   * stay in {@code target/db-types-check/} to re-run the checker by hand.
   */
  private List<String> check() throws Exception {
    Path dir = Files.createDirectories(Path.of("target", "db-types-check").toAbsolutePath());
    ArrayNode jobs = RpcClient.JSON.createArrayNode();
    int i = 0;
    for (var v : values) {
      Path file = dir.resolve("value-" + i++ + ".json");
      Files.writeString(file, RpcClient.JSON.writeValueAsString(v.json()));
      jobs.addObject().put("name", v.name()).put("type", v.type()).put("file", file.toString());
    }
    Path jobsFile = dir.resolve("jobs.json");
    Files.writeString(jobsFile, RpcClient.JSON.writeValueAsString(jobs));
    Process node =
        new ProcessBuilder("node", "db-types-check.mjs", jobsFile.toString())
            .directory(CHECKER.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!node.waitFor(300, TimeUnit.SECONDS)) {
      node.destroyForcibly();
      fail("the type check did not finish in 300 s:\n" + out);
    }
    System.out.println("e2e: db-types-check: " + out);
    int code = node.exitValue();
    if (code == 0) {
      assertThat(out).contains("ok: " + values.size() + " values match");
      return List.of();
    }
    assertThat(code).as("the checker itself failed:\n" + out).isEqualTo(1);
    return out.lines().filter(l -> !l.isBlank()).toList();
  }
}
