package startos.effects;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import startos.patchdb.PatchDb;

/** host.sock as a package sees it: one JSON line in, one out, over a real Unix socket. */
class EffectServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PKG = "hello-test";

  @TempDir Path dir;
  private PatchDb db;
  private FakeHost host;
  private Watches watches;
  private EffectServer server;

  @BeforeEach
  void setUp() throws IOException {
    db = PatchDb.inMemory();
    db.mutate(root -> {
      ObjectNode entry = PackageData.all(root).putObject(PKG);
      ObjectNode stateInfo = entry.putObject("stateInfo");
      stateInfo.put("state", "installed");
      stateInfo.putObject("manifest").put("id", PKG).putArray("volumes").add("main");
      ObjectNode status = entry.putObject("statusInfo");
      status.putObject("health");
      status.putObject("desired").put("main", "stopped");
      return null;
    });
    Files.createDirectories(dir.resolve("volumes/main/sub"));
    host = new FakeHost(dir.resolve("volumes"));
    watches = new Watches(host);
    server =
        EffectServer.start(
            PKG, dir.resolve("host.sock"), -1, StandardEffects.table(db, host, watches));
  }

  @AfterEach
  void tearDown() {
    server.close();
    db.close();
  }

  private JsonNode call(String line) throws IOException {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(dir.resolve("host.sock")));
      ch.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
      return JSON.readTree(in.readLine());
    }
  }

  private JsonNode call(String method, String params) throws IOException {
    return call("{\"id\":7,\"method\":\"" + method + "\",\"params\":" + params + "}");
  }

  @Test
  void anEffectWithoutImplementationSaysSoInsteadOfSucceeding() throws IOException {
    JsonNode r = call("plugin.url.register", "{\"tableAction\":\"x\"}");
    assertThat(r.path("error").path("code").asInt()).isEqualTo(-32601);
    assertThat(r.path("error").path("message").asText())
        .isEqualTo("not implemented: plugin.url.register");
    assertThat(r.path("id").asInt()).isEqualTo(7);
  }

  @Test
  void badParamsGetASpecificErrorAndTheServerKeepsAnswering() throws IOException {
    JsonNode r = call("set-health", "{\"id\":\"web\",\"name\":\"Web\",\"result\":\"great\"}");
    assertThat(r.path("error").path("code").asInt()).isEqualTo(-32602);
    assertThat(r.path("error").path("message").asText()).contains("'result'").contains("great");
    r = call("set-health", "{\"id\":\"web\",\"name\":\"Web\",\"result\":\"failure\"}");
    assertThat(r.path("error").path("message").asText()).contains("needs a message");
    JsonNode garbage = call("this is not json");
    assertThat(garbage.path("error").path("code").asInt()).isEqualTo(-32700);
    r =
        call(
            "set-health",
            "{\"id\":\"web\",\"name\":\"Web\",\"result\":\"success\",\"message\":null}");
    assertThat(r.has("result")).isTrue();
    assertThat(
            db.get("/public/packageData/" + PKG + "/statusInfo/health/web/result")
                .orElseThrow()
                .asText())
        .isEqualTo("success");
  }

  /**
   * The SDK sends {@code addSsl.scheme} (its own field); the binding keeps what StartOS's {@code
   * AddSslOptions} has, as StartOS does, and a missing TLS port is refused as StartOS refuses it.
   */
  @Test
  void bindRecordsTheSslOptionsInStartOsShape() throws IOException {
    String bind =
        "{\"id\":\"ui\",\"internalPort\":80,\"preferredExternalPort\":80,\"secure\":null,"
            + "\"addSsl\":{\"preferredExternalPort\":443,\"scheme\":\"https\","
            + "\"addXForwardedHeaders\":true,\"alpn\":{\"specified\":[\"http/1.1\"]}}}";
    assertThat(call("bind", bind).has("result")).isTrue();
    JsonNode binding = db.get("/public/packageData/" + PKG + "/hosts/ui/bindings/80").orElseThrow();
    assertThat(binding.at("/options/addSsl").toString())
        .isEqualTo(
            "{\"preferredExternalPort\":443,\"addXForwardedHeaders\":true,"
                + "\"alpn\":{\"specified\":[\"http/1.1\"]},\"auth\":null}");
    assertThat(binding.path("addresses").fieldNames())
        .toIterable()
        .containsExactly("enabled", "disabled", "guaWan", "available");

    String noPort =
        "{\"id\":\"ui\",\"internalPort\":81,\"preferredExternalPort\":81,\"secure\":null,"
            + "\"addSsl\":{\"alpn\":null}}";
    assertThat(call("bind", noPort).at("/error/message").asText())
        .contains("missing required parameter 'addSsl.preferredExternalPort' (a port)");
    assertThat(db.get("/public/packageData/" + PKG + "/hosts/ui/bindings/81")).isEmpty();
  }

  @Test
  void bindAssignsAnEphemeralPortForARestrictedOneForwardsItAndKeepsItOnRebind()
      throws IOException {
    String bind =
        "{\"id\":\"ui\",\"internalPort\":80,\"preferredExternalPort\":80,\"addSsl\":null,\"secure\":null}";
    assertThat(call("bind", bind).has("result")).isTrue();
    JsonNode net =
        call("get-service-port-forward", "{\"hostId\":\"ui\",\"internalPort\":80}").path("result");
    int port = net.path("assignedPort").asInt();
    assertThat(port).isBetween(49152, 65535);
    assertThat(host.forwards).containsExactly("+" + port + "->80");
    call("bind", bind);
    assertThat(
            call("get-service-port-forward", "{\"hostId\":\"ui\",\"internalPort\":80}")
                .at("/result/assignedPort")
                .asInt())
        .isEqualTo(port);
    String bindFree =
        "{\"id\":\"api\",\"internalPort\":8080,\"preferredExternalPort\":18080,\"addSsl\":null,\"secure\":null}";
    call("bind", bindFree);
    assertThat(
            db.get("/public/packageData/" + PKG + "/hosts/api/bindings/8080/net/assignedPort")
                .orElseThrow()
                .asInt())
        .isEqualTo(18080);
    call("clear-bindings", "{\"except\":[{\"id\":\"api\",\"internalPort\":8080}]}");
    assertThat(host.forwards).contains("-" + port + "->80");
    assertThat(db.get("/private/availablePorts").orElseThrow().has(Integer.toString(port)))
        .isFalse();
    assertThat(db.get("/private/availablePorts").orElseThrow().has("18080")).isTrue();
  }

  @Test
  void aPackageAskingForAPortAHostServiceHoldsGetsADynamicPortAndNoForwardOnIt()
      throws IOException {
    host.reserved = java.util.Set.of(18080, 5959);
    for (int preferred : List.of(18080, 5959)) {
      String bind =
          "{\"id\":\"h"
              + preferred
              + "\",\"internalPort\":80,\"preferredExternalPort\":"
              + preferred
              + ",\"addSsl\":null,\"secure\":null}";
      assertThat(call("bind", bind).has("result")).isTrue();
      int assigned =
          db.get(
                  "/public/packageData/"
                      + PKG
                      + "/hosts/h"
                      + preferred
                      + "/bindings/80/net/assignedPort")
              .orElseThrow()
              .asInt();
      assertThat(assigned).isBetween(49152, 65535);
    }
    assertThat(host.forwards).noneMatch(f -> f.startsWith("+18080") || f.startsWith("+5959"));
    assertThat(db.get("/private/availablePorts").orElseThrow().has("18080")).isFalse();
  }

  @Test
  void bindingsBeyondTheCapAreRefusedAndTheExistingOnesStay() throws IOException {
    for (int i = 0; i < EffectLimits.MAX_BINDINGS; i++) {
      String bind =
          "{\"id\":\"ui\",\"internalPort\":"
              + (1000 + i)
              + ",\"preferredExternalPort\":80,\"addSsl\":null,\"secure\":null}";
      assertThat(call("bind", bind).has("result")).isTrue();
    }
    JsonNode refused =
        call(
            "bind",
            "{\"id\":\"api\",\"internalPort\":9,\"preferredExternalPort\":80,\"addSsl\":null,\"secure\":null}");
    assertThat(refused.at("/error/message").asText())
        .isEqualTo(
            "a package may have at most 128 port bindings; remove some with clear-bindings before"
                + " adding more");
    assertThat(host.forwards).hasSize(EffectLimits.MAX_BINDINGS);
    // re-binding an existing port is not a new binding
    assertThat(
            call(
                    "bind",
                    "{\"id\":\"ui\",\"internalPort\":1000,\"preferredExternalPort\":80,\"addSsl\":null,\"secure\":null}")
                .has("result"))
        .isTrue();
  }

  /** Bind and clear in a loop, each time under a new host id: the hosts stay, so they count. */
  @Test
  void hostsLeftByClearedBindingsAreCapped() throws IOException {
    for (int i = 0; i < EffectLimits.MAX_HOSTS; i++) {
      String bind =
          "{\"id\":\"h"
              + i
              + "\",\"internalPort\":80,\"preferredExternalPort\":80,\"addSsl\":null,\"secure\":null}";
      assertThat(call("bind", bind).has("result")).isTrue();
      assertThat(call("clear-bindings", "{\"except\":[]}").has("result")).isTrue();
    }
    String oneMore =
        "{\"id\":\"one-more\",\"internalPort\":80,\"preferredExternalPort\":80,\"addSsl\":null,\"secure\":null}";
    assertThat(call("bind", oneMore).at("/error/message").asText())
        .isEqualTo(
            "a package may have at most 64 hosts; bind new ports under the ids of existing hosts");
    assertThat(db.get("/public/packageData/" + PKG + "/hosts").orElseThrow().size())
        .isEqualTo(EffectLimits.MAX_HOSTS);
    assertThat(
            call(
                    "bind",
                    "{\"id\":\"h0\",\"internalPort\":80,\"preferredExternalPort\":80,\"addSsl\":null,\"secure\":null}")
                .has("result"))
        .as("a port under an existing host")
        .isTrue();
  }

  /** Ids become database keys that no size bound counts: 64 health checks of 1 MiB ids each. */
  @Test
  void longIdsAreRefusedBeforeTheyBecomeKeys() throws IOException {
    String id = "a".repeat(EffectLimits.MAX_ID_CHARS + 1);
    assertThat(
            call(
                    "set-health",
                    "{\"id\":\""
                        + id
                        + "\",\"name\":\"C\",\"result\":\"success\",\"message\":null}")
                .at("/error/message")
                .asText())
        .isEqualTo("parameter 'id' is 256 characters long; an id has at most 255");
    assertThat(
            call("action.export", "{\"id\":\"" + id + "\",\"metadata\":{\"name\":\"A\"}}")
                .at("/error/message")
                .asText())
        .isEqualTo("parameter 'id' is 256 characters long; an id has at most 255");
    assertThat(db.get("/public/packageData/" + PKG + "/statusInfo/health/" + id)).isEmpty();
    assertThat(db.get("/public/packageData/" + PKG + "/actions/" + id)).isEmpty();
    String longest = "b".repeat(EffectLimits.MAX_ID_CHARS);
    assertThat(
            call("action.export", "{\"id\":\"" + longest + "\",\"metadata\":{\"name\":\"A\"}}")
                .has("result"))
        .isTrue();
  }

  @Test
  void interfacesAreRecordedUnderTheirBinding() throws IOException {
    call(
        "bind",
        "{\"id\":\"ui\",\"internalPort\":80,\"preferredExternalPort\":80,\"addSsl\":null,\"secure\":null}");
    String iface =
        "{\"id\":\"web\",\"name\":\"Web\",\"description\":\"d\",\"masked\":false,\"type\":\"ui\","
            + "\"addressInfo\":{\"username\":null,\"hostId\":\"ui\",\"internalPort\":80,\"scheme\":\"http\",\"sslScheme\":\"https\",\"suffix\":\"\"}}";
    assertThat(call("export-service-interface", iface).has("result")).isTrue();
    assertThat(call("list-service-interfaces", "{}").at("/result/web/name").asText())
        .isEqualTo("Web");
    assertThat(
            call("get-service-interface", "{\"serviceInterfaceId\":\"web\"}")
                .at("/result/type")
                .asText())
        .isEqualTo("ui");
    call("clear-service-interfaces", "{\"except\":[]}");
    assertThat(
            call("get-service-interface", "{\"serviceInterfaceId\":\"web\"}")
                .path("result")
                .isNull())
        .isTrue();
    JsonNode orphan =
        call(
            "export-service-interface",
            iface.replace("\"internalPort\":80", "\"internalPort\":81"));
    assertThat(orphan.at("/error/message").asText()).contains("call bind first");
  }

  @Test
  void mountRefusesPathsThatLeaveTheVolume() throws IOException {
    String base =
        "{\"location\":\"/media/startos/subcontainers/G/data\",\"target\":{\"packageId\":\"hello-test\",\"volumeId\":\"main\",\"readonly\":true,\"idmap\":[],\"subpath\":";
    assertThat(call("mount", base + "\"../../etc\"}}").at("/error/message").asText())
        .contains("'..'");
    assertThat(call("mount", base + "\"/etc\"}}").at("/error/message").asText())
        .contains("absolute");
    assertThat(
            call("mount", base.replace("\"main\"", "\"other\"") + "null}}")
                .at("/error/message")
                .asText())
        .contains("no volume named other");
    assertThat(host.mounts).isEmpty();
    // symlinks on the way are refused on disk by HostMount (HostMountTest)
    assertThat(call("mount", base + "\"./sub/\"}}").has("result")).isTrue();
    assertThat(host.mounts).containsExactly("hello-test:main/sub ro");
  }

  @Test
  void anUndeclaredDependencysVolumeCannotBeMounted() throws IOException {
    installOther();
    String mount =
        "{\"location\":\"/media/startos/subcontainers/G/dep\",\"target\":{\"packageId\":\"other\",\"volumeId\":\"data\",\"readonly\":true,\"idmap\":[],\"subpath\":null}}";
    JsonNode refused = call("mount", mount);
    assertThat(refused.at("/error/code").asInt()).isEqualTo(34);
    assertThat(refused.at("/error/message").asText())
        .isEqualTo(
            "the volume data of other can only be mounted by a package that declares other as a"
                + " dependency in its manifest; hello-test does not");
    assertThat(host.mounts).isEmpty();

    declareDependencyOnOther();
    assertThat(call("mount", mount).has("result")).isTrue();
    assertThat(host.mounts).containsExactly("other:data ro");
    assertThat(
            call("mount", mount.replace("\"readonly\":true", "\"readonly\":false"))
                .at("/error/message")
                .asText())
        .contains("can only be mounted read-only by another package");
  }

  @Test
  void theDataVersionLivesInTheDatabaseAndAPlantedVersionLinkIsNeverFollowed() throws IOException {
    Path canary = Files.writeString(dir.resolve("shadow-canary"), "root:secret\n");
    Files.createSymbolicLink(dir.resolve("volumes/.version"), canary);

    assertThat(call("get-data-version", "{}").path("result").isNull())
        .as("a symlinked legacy file is not read")
        .isTrue();
    Files.createSymbolicLink(dir.resolve("volumes/.version"), canary);
    call("set-data-version", "{\"version\":\"2.0.0:0\"}");

    assertThat(canary).hasContent("root:secret");
    assertThat(db.get("/private/dataVersions/" + PKG).orElseThrow().asText()).isEqualTo("2.0.0:0");
    assertThat(call("get-data-version", "{}").path("result").asText()).isEqualTo("2.0.0:0");
    assertThat(dir.resolve("volumes/.version")).doesNotExist();
    assertThat(canary).exists();
  }

  @Test
  void aLegacyVersionFileIsAdoptedOnceIntoTheDatabase() throws IOException {
    Files.writeString(dir.resolve("volumes/.version"), "1.2.3:4\n");
    assertThat(call("get-data-version", "{}").path("result").asText()).isEqualTo("1.2.3:4");
    assertThat(dir.resolve("volumes/.version")).doesNotExist();
    assertThat(db.get("/private/dataVersions/" + PKG).orElseThrow().asText()).isEqualTo("1.2.3:4");
    Files.writeString(dir.resolve("volumes/.version"), "9.9.9:9\n");
    assertThat(call("get-data-version", "{}").path("result").asText())
        .as("once the database has it, a new file is not adopted")
        .isEqualTo("1.2.3:4");
  }

  private void installOther() {
    db.mutate(root -> {
      ObjectNode entry = PackageData.all(root).putObject("other");
      ObjectNode stateInfo = entry.putObject("stateInfo");
      stateInfo.put("state", "installed");
      stateInfo.putObject("manifest").put("id", "other").putArray("volumes").add("data");
      return null;
    });
  }

  private void declareDependencyOnOther() {
    db.mutate(root -> {
      ObjectNode manifest =
          (ObjectNode) PackageData.require(root, PKG).path("stateInfo").path("manifest");
      manifest.putObject("dependencies").putObject("other").put("optional", false);
      return null;
    });
  }

  @Test
  void aWatchedStatusFiresItsCallbackOnceWhenTheStatusChanges() throws IOException {
    JsonNode status = call("get-status", "{\"callback\":42}").path("result");
    assertThat(status.at("/desired/main").asText()).isEqualTo("stopped");
    watches.recheck();
    assertThat(host.callbacks).isEmpty();
    call(
        "set-health", "{\"id\":\"web\",\"name\":\"Web\",\"result\":\"starting\",\"message\":null}");
    watches.recheck();
    watches.recheck();
    assertThat(host.callbacks).containsExactly(42L);
    call("get-status", "{\"callback\":43}");
    call("clear-callbacks", "{\"only\":[43]}");
    call("set-health", "{\"id\":\"web\",\"name\":\"Web\",\"result\":\"success\",\"message\":null}");
    watches.recheck();
    assertThat(host.callbacks).containsExactly(42L);
  }

  @Test
  void dataVersionActionsAndManifestRoundTrip() throws IOException {
    assertThat(call("get-data-version", "{}").path("result").isNull()).isTrue();
    call("set-data-version", "{\"version\":\"1.0.0:0\"}");
    assertThat(call("get-data-version", "{}").path("result").asText()).isEqualTo("1.0.0:0");
    call("action.export", "{\"id\":\"hello\",\"metadata\":{\"name\":\"Hello\"}}");
    call("action.export", "{\"id\":\"bye\",\"metadata\":{\"name\":\"Bye\"}}");
    call("action.clear", "{\"except\":[\"hello\"]}");
    assertThat(db.get("/public/packageData/" + PKG + "/actions").orElseThrow().fieldNames())
        .toIterable()
        .containsExactly("hello");
    assertThat(
            call("get-service-manifest", "{\"packageId\":\"hello-test\"}")
                .at("/result/id")
                .asText())
        .isEqualTo(PKG);
    assertThat(
            call("get-service-manifest", "{\"packageId\":\"nope\"}").at("/error/message").asText())
        .contains("nope is not installed");
    assertThat(call("get-installed-packages", "{}").path("result").get(0).asText()).isEqualTo(PKG);
    assertThat(call("get-os-ip", "{}").path("result").asText()).isEqualTo("10.0.3.1");
  }

  @Test
  void dependenciesAndTasksAreRecordedForTheUi() throws IOException {
    String deps =
        "{\"dependencies\":[{\"kind\":\"running\",\"id\":\"bitcoind\",\"versionRange\":\">=27\",\"healthChecks\":[\"rpc\"]}]}";
    assertThat(call("set-dependencies", deps).has("result")).isTrue();
    assertThat(
            db.get("/public/packageData/" + PKG + "/currentDependencies/bitcoind/kind")
                .orElseThrow()
                .asText())
        .isEqualTo("running");
    assertThat(call("get-dependencies", "{}").at("/result/0/healthChecks/0").asText())
        .isEqualTo("rpc");
    JsonNode check = call("check-dependencies", "{}").path("result").get(0);
    assertThat(check.path("packageId").asText()).isEqualTo("bitcoind");
    assertThat(check.path("installedVersion").isNull()).isTrue();
    assertThat(check.path("isRunning").asBoolean()).isFalse();
    assertThat(
            call(
                    "set-dependencies",
                    "{\"dependencies\":[{\"kind\":\"maybe\",\"id\":\"x\",\"versionRange\":\"*\"}]}")
                .at("/error/message")
                .asText())
        .contains("\"maybe\"");
    call(
        "action.create-task",
        "{\"replayId\":\"r1\",\"packageId\":\"bitcoind\",\"actionId\":\"config\",\"severity\":\"important\"}");
    assertThat(db.get("/public/packageData/" + PKG + "/tasks/r1/active").orElseThrow().asBoolean())
        .isTrue();
    call("action.clear-tasks", "{\"except\":[]}");
    assertThat(db.get("/public/packageData/" + PKG + "/tasks").orElseThrow().size()).isZero();
  }

  @Test
  void certificatesAndKeysAreIssuedOnlyForThePackagesOwnNames() throws IOException {
    db.mutate(root -> {
      root.withObjectProperty("public")
          .withObjectProperty("serverInfo")
          .put("hostname", "brave-otter");
      PackageData.all(root)
          .putObject("other-pkg")
          .putObject("hosts")
          .putObject("main")
          .putObject("privateDomains")
          .putArray("other.home");
      return null;
    });
    // the server's LAN names are the package's once it is served on them
    call(
        "bind",
        "{\"id\":\"ui\",\"internalPort\":80,\"preferredExternalPort\":80,\"addSsl\":null,\"secure\":null}");
    String own =
        "[\"brave-otter.local\",\"192.168.1.7\",\"FD00:0:0::7\",\"10.0.3.5\",\"Hello-Test.startos\"]";
    assertThat(call("get-ssl-key", "{\"hostnames\":" + own + "}").path("result").asText())
        .isEqualTo("key");
    assertThat(call("get-ssl-certificate", "{\"hostnames\":" + own + "}").path("result").size())
        .isEqualTo(3);

    for (String method : List.of("get-ssl-key", "get-ssl-certificate")) {
      for (String foreign :
          List.of("www.google.com", "other.home", "other-pkg.startos", "localhost", "8.8.8.8")) {
        JsonNode refused =
            call(method, "{\"hostnames\":[\"brave-otter.local\",\"" + foreign + "\"]}");
        assertThat(refused.at("/error/code").asInt()).as(method + " " + foreign).isEqualTo(6);
        assertThat(refused.at("/error/message").asText())
            .as(method + " " + foreign)
            .startsWith("unknown hostname: " + foreign + " is ");
      }
    }
    assertThat(
            call("get-ssl-certificate", "{\"hostnames\":[\"other-pkg.startos\"]}")
                .at("/error/message")
                .asText())
        .isEqualTo(
            "unknown hostname: other-pkg.startos is a name of the package other-pkg, not of"
                + " hello-test: a package gets certificates only for its own names");
    // a leaf naming nothing, which packages ask for to read the root from the chain
    assertThat(call("get-ssl-certificate", "{\"hostnames\":[]}").path("result").size())
        .isEqualTo(3);
    // the service layer saw only the requests for own names, spelled canonically
    assertThat(host.certificates)
        .containsExactly(
            "key hello-test [brave-otter.local, 192.168.1.7, fd00:0:0:0:0:0:0:7, 10.0.3.5,"
                + " hello-test.startos]",
            "chain hello-test [brave-otter.local, 192.168.1.7, fd00:0:0:0:0:0:0:7, 10.0.3.5,"
                + " hello-test.startos]",
            "chain hello-test []");
  }

  @Test
  void aConnectionFloodGetsAClearErrorWhileAnotherPackageKeepsBeingServed() throws Exception {
    db.mutate(root -> {
      PackageData.all(root).putObject("other-pkg");
      return null;
    });
    Path otherSocket = dir.resolve("other.sock");
    List<SocketChannel> held = new ArrayList<>();
    try (EffectServer other =
        EffectServer.start(
            "other-pkg", otherSocket, -1, StandardEffects.table(db, host, watches))) {
      for (int i = 0; i < EffectLimits.MAX_CONNECTIONS; i++) {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(dir.resolve("host.sock")));
        held.add(ch);
      }

      JsonNode refused = call("get-os-ip", "{}");
      assertThat(refused.at("/error/code").asInt()).isEqualTo(37);
      assertThat(refused.at("/error/message").asText())
          .isEqualTo(
              PKG
                  + " kept 64 effect calls open on host.sock for 5 s; finish some before making"
                  + " more");
      assertThat(
              callAt(otherSocket, "{\"id\":1,\"method\":\"get-os-ip\",\"params\":{}}")
                  .path("result")
                  .asText())
          .isEqualTo("10.0.3.1");

      for (SocketChannel ch : held) {
        ch.close();
      }
      JsonNode again = call("get-os-ip", "{}");
      for (int i = 0; i < 100 && again.has("error"); i++) {
        Thread.sleep(20); // the server notices the closed connections on its own threads
        again = call("get-os-ip", "{}");
      }
      assertThat(again.path("result").asText()).isEqualTo("10.0.3.1");
    } finally {
      for (SocketChannel ch : held) {
        ch.close();
      }
    }
  }

  @Test
  void anOversizedRequestGetsAClearErrorAndTheNextCallIsServed() throws IOException {
    byte[] huge = new byte[EffectLimits.MAX_REQUEST_BYTES + 10];
    java.util.Arrays.fill(huge, (byte) 'x');
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(dir.resolve("host.sock")));
      ByteBuffer buf = ByteBuffer.wrap(huge);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      JsonNode r =
          JSON.readTree(
              new BufferedReader(
                      new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8))
                  .readLine());
      assertThat(r.at("/error/code").asInt()).isEqualTo(-32600);
      assertThat(r.at("/error/message").asText())
          .isEqualTo(
              "effect request longer than 1048576 bytes; send large data some other way (a volume"
                  + " file)");
    }
    assertThat(call("get-os-ip", "{}").path("result").asText()).isEqualTo("10.0.3.1");
  }

  @Test
  void callbacksBeyondTheCapAreRefusedAndOtherPackagesStillRegister() throws IOException {
    for (int i = 0; i < EffectLimits.MAX_WATCHES; i++) {
      watches.watch(PKG, i, JSON::nullNode, JSON.nullNode());
    }
    JsonNode refused = call("get-status", "{\"callback\":999999}");
    assertThat(refused.at("/error/message").asText())
        .isEqualTo(
            PKG
                + " already has 4096 callbacks registered; clear some with clear-callbacks before"
                + " registering more");
    assertThat(call("get-status", "{\"callback\":7}").has("result"))
        .as("re-registering an existing id adds nothing")
        .isTrue();
    watches.watch("other-pkg", 1, JSON::nullNode, JSON.nullNode());
    assertThat(watches.size()).isEqualTo(EffectLimits.MAX_WATCHES + 1);
    call("clear-callbacks", "{\"except\":[]}");
    assertThat(call("get-status", "{\"callback\":999999}").has("result")).isTrue();
  }

  @Test
  void healthChecksActionsAndTasksAreCappedInNumberAndSize() throws IOException {
    for (int i = 0; i < EffectLimits.MAX_HEALTH_CHECKS; i++) {
      assertThat(
              call(
                      "set-health",
                      "{\"id\":\"c"
                          + i
                          + "\",\"name\":\"C\",\"result\":\"success\",\"message\":null}")
                  .has("result"))
          .isTrue();
    }
    assertThat(
            call(
                    "set-health",
                    "{\"id\":\"one-more\",\"name\":\"C\",\"result\":\"success\",\"message\":null}")
                .at("/error/message")
                .asText())
        .isEqualTo(
            "a package may have at most 64 health checks; report new results under the ids of"
                + " existing checks");
    String longMessage = "m".repeat(EffectLimits.MAX_TEXT_CHARS + 1);
    assertThat(
            call(
                    "set-health",
                    "{\"id\":\"c0\",\"name\":\"C\",\"result\":\"failure\",\"message\":\""
                        + longMessage
                        + "\"}")
                .at("/error/message")
                .asText())
        .isEqualTo("the health check message is 4097 characters long; at most 4096 are stored");
    assertThat(
            db.get("/public/packageData/" + PKG + "/statusInfo/health/c0/result")
                .orElseThrow()
                .asText())
        .isEqualTo("success");

    String bigMetadata = "{\"name\":\"" + "n".repeat(EffectLimits.MAX_STORED_JSON_BYTES) + "\"}";
    assertThat(
            call("action.export", "{\"id\":\"big\",\"metadata\":" + bigMetadata + "}")
                .at("/error/message")
                .asText())
        .startsWith("the metadata of action big is 65547 bytes of JSON; at most 65536");
    for (int i = 0; i < EffectLimits.MAX_ACTIONS; i++) {
      call("action.export", "{\"id\":\"a" + i + "\",\"metadata\":{\"name\":\"A\"}}");
    }
    assertThat(
            call("action.export", "{\"id\":\"extra\",\"metadata\":{\"name\":\"A\"}}")
                .at("/error/message")
                .asText())
        .isEqualTo(
            "a package may have at most 256 actions; remove some with action.clear before adding"
                + " more");
    for (int i = 0; i < EffectLimits.MAX_TASKS; i++) {
      call(
          "action.create-task",
          "{\"replayId\":\"r"
              + i
              + "\",\"packageId\":\"bitcoind\",\"actionId\":\"config\",\"severity\":\"optional\"}");
    }
    assertThat(
            call(
                    "action.create-task",
                    "{\"replayId\":\"extra\",\"packageId\":\"bitcoind\",\"actionId\":\"config\",\"severity\":\"optional\"}")
                .at("/error/message")
                .asText())
        .isEqualTo(
            "a package may have at most 256 tasks; remove some with action.clear-tasks before"
                + " adding more");
    assertThat(db.get("/public/packageData/" + PKG + "/actions").orElseThrow().size())
        .isEqualTo(EffectLimits.MAX_ACTIONS);
  }

  private static JsonNode callAt(Path socket, String line) throws IOException {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      ch.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
      return JSON.readTree(
          new BufferedReader(
                  new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8))
              .readLine());
    }
  }

  /** Records what effects asked of the service layer. */
  static final class FakeHost implements ServiceHost {
    final List<String> stoppedForTasks = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public JsonNode execute(
        String packageId,
        String eventId,
        String procedure,
        JsonNode input,
        java.time.Duration timeout) {
      throw new startos.rpc.RpcException(
          startos.rpc.ErrorKind.NOT_FOUND, packageId + " has no runtime in this test");
    }

    @Override
    public boolean initialized(String packageId) {
      return false;
    }

    @Override
    public void stopForCriticalTask(String packageId) {
      stoppedForTasks.add(packageId);
    }

    final Path volumes;
    final List<String> forwards = new ArrayList<>();
    final List<String> mounts = new ArrayList<>();
    final List<Long> callbacks = new ArrayList<>();
    final List<String> certificates = new ArrayList<>();
    java.util.Set<Integer> reserved = java.util.Set.of();

    FakeHost(Path volumes) {
      this.volumes = volumes;
    }

    @Override
    public void requestRestart(String packageId) {}

    @Override
    public void requestShutdown(String packageId) {}

    @Override
    public List<String> createFs(String packageId, String imageId, Optional<String> name) {
      return List.of("/media/startos/subcontainers/G", "G");
    }

    @Override
    public void destroyFs(String packageId, String guid) {}

    @Override
    public void mount(
        String packageId, String owner, String volumePath, String location, boolean readOnly) {
      mounts.add(owner + ":" + volumePath + (readOnly ? " ro" : " rw"));
    }

    @Override
    public Path volumesDir(String packageId) {
      return volumes;
    }

    @Override
    public Optional<String> containerIp(String packageId) {
      return Optional.of("10.0.3.5");
    }

    @Override
    public String osIp() {
      return "10.0.3.1";
    }

    @Override
    public java.util.Set<Integer> reservedHostPorts() {
      return reserved;
    }

    @Override
    public void forward(String packageId, int hostPort, int internalPort) {
      forwards.add("+" + hostPort + "->" + internalPort);
    }

    @Override
    public void unforward(String packageId, int hostPort, int internalPort) {
      forwards.add("-" + hostPort + "->" + internalPort);
    }

    @Override
    public void notify(
        String packageId, String level, String title, String message, JsonNode data) {}

    @Override
    public List<String> certificateChain(
        String packageId, List<String> hostnames, String algorithm) {
      certificates.add("chain " + packageId + " " + hostnames);
      return List.of("leaf", "intermediate", "root");
    }

    @Override
    public String certificateKey(String packageId, List<String> hostnames, String algorithm) {
      certificates.add("key " + packageId + " " + hostnames);
      return "key";
    }

    @Override
    public java.util.Set<String> serverAddresses() {
      return java.util.Set.of("192.168.1.7", "fd00::7");
    }

    @Override
    public void setInitProgress(String packageId, JsonNode progress) {}

    @Override
    public boolean fireCallback(String packageId, long callbackId, JsonNode args) {
      callbacks.add(callbackId);
      return true;
    }
  }
}
