package startos.effects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import startos.model.Database;
import startos.patchdb.PatchDb;
import startos.rpc.RpcException;
import startos.setup.InitialDb;

/** get-outbound-gateway answers what StartOS answers: package choice, server default, route. */
class OutboundGatewayTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PKG = "hello-test";
  private static final String HEADER =
      "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n";

  @TempDir Path dir;
  private PatchDb db;

  @BeforeEach
  void setUp() {
    db = PatchDb.inMemory();
    InitialDb.ensure(new startos.model.Database(db));
    db.mutate(root -> {
      ObjectNode entry = PackageData.all(root).putObject(PKG);
      entry.putObject("stateInfo").put("state", "installed");
      entry.putNull("outboundGateway");
      return null;
    });
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  private Path routes(String body) throws IOException {
    Path p = dir.resolve("route");
    Files.writeString(p, HEADER + body);
    return p;
  }

  @Test
  void withNothingChosenTheDefaultRouteWithTheLowestMetricNamesTheGateway() throws IOException {
    Path table =
        routes(
            "wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0\n"
                + "eth0\t0000A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n"
                + "eth1\t00000000\t010200C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n");
    assertThat(new OutboundGateway(new Database(db), table).resolve(PKG)).isEqualTo("eth1");
  }

  @Test
  void theServerDefaultWinsOverTheRouteAndThePackageChoiceWinsOverBoth() throws IOException {
    Path table = routes("eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n");
    OutboundGateway gateway = new OutboundGateway(new Database(db), table);
    db.mutate(root -> {
      ((ObjectNode) root.at("/public/serverInfo/network")).put("defaultOutbound", "wg0");
      return null;
    });
    assertThat(gateway.resolve(PKG)).isEqualTo("wg0");
    db.mutate(root -> {
      PackageData.require(root, PKG).put("outboundGateway", "eth7");
      return null;
    });
    assertThat(gateway.resolve(PKG)).isEqualTo("eth7");
  }

  @Test
  void withoutADefaultRouteThePackageGetsAClearError() throws IOException {
    Path table =
        routes(
            "eth0\t0000A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
                // a default route that is down does not count
                + "eth1\t00000000\t010200C0\t0002\t0\t0\t0\t00000000\t0\t0\t0\n");
    assertThatThrownBy(() -> new OutboundGateway(new Database(db), table).resolve(PKG))
        .isInstanceOf(RpcException.class)
        .hasMessageContaining("no default route");
  }

  @Test
  void theEffectAnswersThisHostsDefaultRouteInterfaceAndFiresItsCallbackOnAChoice()
      throws Exception {
    Optional<String> expected = ipRouteDefaultDev();
    assumeTrue(expected.isPresent(), "this machine has no default route; skipped");
    var host = new EffectServerTest.FakeHost(dir.resolve("volumes"));
    Watches watches = new Watches(host);
    EffectServer server =
        EffectServer.start(
            PKG, dir.resolve("host.sock"), -1, StandardEffects.table(db, host, watches));
    try {
      JsonNode r =
          call("{\"id\":1,\"method\":\"get-outbound-gateway\",\"params\":{\"callback\":9}}");
      assertThat(r.path("result").asText()).isEqualTo(expected.get());
      watches.recheck();
      assertThat(host.callbacks).isEmpty();
      db.mutate(root -> {
        PackageData.require(root, PKG).put("outboundGateway", "wg0");
        return null;
      });
      watches.recheck();
      assertThat(host.callbacks).containsExactly(9L);
      r = call("{\"id\":2,\"method\":\"get-outbound-gateway\",\"params\":{}}");
      assertThat(r.path("result").asText()).isEqualTo("wg0");
    } finally {
      server.close();
    }
  }

  /** The {@code dev} of the first default route {@code ip route show table main} prints. */
  private static Optional<String> ipRouteDefaultDev() throws Exception {
    assumeTrue(
        Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")));
    Process p = new ProcessBuilder("ip", "route", "show", "table", "main").start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    for (String line : out.split("\n")) {
      if (line.startsWith("default ")) {
        String[] f = line.split("\\s+");
        for (int i = 0; i + 1 < f.length; i++) {
          if (f[i].equals("dev")) {
            return Optional.of(f[i + 1]);
          }
        }
      }
    }
    return Optional.empty();
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
}
