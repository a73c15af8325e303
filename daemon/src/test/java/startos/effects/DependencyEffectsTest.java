package startos.effects;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import startos.model.CurrentDependencyInfo;
import startos.model.Database;
import startos.model.PackageDataEntry;
import startos.model.PackageState;
import startos.patchdb.PatchDb;

/**
 * The dependency effects over host.sock, as a package calls them: what it may declare (no cycle,
 * not itself) and what {@code check-dependencies} answers.
 */
class DependencyEffectsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PKG = "dependent";

  @TempDir Path dir;
  private PatchDb raw;
  private Database db;
  private EffectServer server;

  private static PackageDataEntry installed(String id, String version) {
    return PackageDataEntry.fresh(
        new PackageState.Installed(JSON.createObjectNode().put("id", id).put("version", version)),
        "",
        "",
        "");
  }

  @BeforeEach
  void setUp() throws IOException {
    raw = PatchDb.inMemory();
    db = new Database(raw);
    db.mutate(tx -> {
      tx.putPackage(PKG, installed(PKG, "1.0.0:0"));
      tx.putPackage("hello", installed("hello", "1.1.0:0"));
      tx.putPackage(
          "upstream",
          installed("upstream", "1.0.0:0")
              .withCurrentDependencies(
                  Map.of(
                      PKG,
                      new CurrentDependencyInfo.Exists(Optional.empty(), Optional.empty(), "*"))));
      return null;
    });
    Files.createDirectories(dir.resolve("volumes"));
    EffectServerTest.FakeHost host = new EffectServerTest.FakeHost(dir.resolve("volumes"));
    server =
        EffectServer.start(
            PKG, dir.resolve("host.sock"), -1, StandardEffects.table(raw, host, new Watches(host)));
  }

  @AfterEach
  void tearDown() {
    server.close();
    raw.close();
  }

  private JsonNode call(String method, String params) throws IOException {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(dir.resolve("host.sock")));
      String line = "{\"id\":1,\"method\":\"" + method + "\",\"params\":" + params + "}\n";
      ch.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
      return JSON.readTree(
          new BufferedReader(
                  new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8))
              .readLine());
    }
  }

  private static String deps(String... ids) {
    StringBuilder b = new StringBuilder("{\"dependencies\":[");
    for (int i = 0; i < ids.length; i++) {
      b.append(i == 0 ? "" : ",")
          .append("{\"kind\":\"running\",\"id\":\"")
          .append(ids[i])
          .append("\",\"versionRange\":\">=1.0.0:0\",\"healthChecks\":[\"primary\"]}");
    }
    return b.append("]}").toString();
  }

  private Map<String, CurrentDependencyInfo> declared() {
    return db.packageEntry(PKG).orElseThrow().currentDependencies();
  }

  @Test
  void aDependencyOnItselfIsRefusedAndNothingIsRecorded() throws IOException {
    assertThat(call("set-dependencies", deps("hello", PKG)).at("/error/message").asText())
        .contains("a package cannot depend on itself: dependent names dependent");
    assertThat(declared()).isEmpty();
  }

  @Test
  void aDependencyThatClosesACycleIsRefusedNamingTheCycle() throws IOException {
    assertThat(call("set-dependencies", deps("hello", "upstream")).at("/error/message").asText())
        .contains("would form a cycle")
        .contains("dependent -> upstream -> dependent");
    assertThat(declared()).isEmpty();
  }

  @Test
  void declaredDependenciesAreRecordedAndReadBackAsDeclared() throws IOException {
    assertThat(call("set-dependencies", deps("hello")).has("result")).isTrue();
    assertThat(declared().get("hello"))
        .isEqualTo(
            new CurrentDependencyInfo.Running(
                Optional.empty(), Optional.empty(), ">=1.0.0:0", List.of("primary")));
    assertThat(call("get-dependencies", "{}").path("result").toString())
        .isEqualTo(
            "[{\"id\":\"hello\",\"versionRange\":\">=1.0.0:0\",\"kind\":\"running\","
                + "\"healthChecks\":[\"primary\"]}]");
  }

  @Test
  void checkDependenciesAnswersOnlyForDeclaredDependenciesWithTheirLiveState() throws IOException {
    call("set-dependencies", deps("hello"));
    JsonNode check =
        call("check-dependencies", "{\"packageIds\":[\"hello\",\"upstream\"]}").path("result");
    assertThat(check).hasSize(1);
    assertThat(check.at("/0/packageId").asText()).isEqualTo("hello");
    assertThat(check.at("/0/installedVersion").asText()).isEqualTo("1.1.0:0");
    assertThat(check.at("/0/isRunning").asBoolean()).isFalse();
    db.updatePackage("hello", e -> e.withStateInfo(installed("hello", "2.0.0:0").stateInfo()));
    assertThat(call("check-dependencies", "{}").at("/result/0/installedVersion").asText())
        .isEqualTo("2.0.0:0");
  }

  @Test
  void anUnreadableOrHostileVersionRangeIsRefusedAndNothingIsRecorded() throws IOException {
    String bad =
        "{\"dependencies\":[{\"kind\":\"exists\",\"id\":\"hello\",\"versionRange\":\"%s\"}]}";
    assertThat(call("set-dependencies", bad.formatted(">=1.0.x")).at("/error/message").asText())
        .contains("the versionRange for hello is not a version range");
    assertThat(
            call("set-dependencies", bad.formatted("(".repeat(5000) + "1" + ")".repeat(5000)))
                .at("/error/message")
                .asText())
        .contains("longer than 1024 characters");
    assertThat(
            call("set-dependencies", bad.formatted("!".repeat(500) + "1"))
                .at("/error/message")
                .asText())
        .contains("nests more than 64 levels");
    assertThat(declared()).isEmpty();
  }
}
