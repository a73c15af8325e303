package startos.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import startos.model.Database;
import startos.patchdb.PatchDb;
import startos.rpc.Caller;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;
import startos.rpc.RpcRouter;
import startos.setup.InitialDb;

class ServerApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private PatchDb db;
  private MovableClock clock;
  private ServerApi server;

  @BeforeEach
  void server() {
    db = PatchDb.inMemory();
    InitialDb.ensure(new Database(db));
    clock = new MovableClock(Instant.parse("2026-11-22T03:00:00.5Z"));
    server = new ServerApi(new Database(db), new SystemMetrics(dir), clock, "x86_64-nonfree");
  }

  @Test
  void timeReportsUtcNowAndSecondsSinceStart() {
    clock.advance(Duration.ofHours(1).plusSeconds(5));
    JsonNode time = server.time();
    assertThat(time.get("now").asText()).isEqualTo("2026-11-22T04:00:05.500000000+00:00");
    assertThat(time.get("uptime").asLong()).isEqualTo(3605);
  }

  @Test
  void deviceInfoDescribesTheOsAndHardware() {
    JsonNode info = server.deviceInfo();
    assertThat(info.at("/os/version").asText()).isEqualTo("0.4.0");
    assertThat(info.at("/os/compat").asText()).isEqualTo(">=0.3.0:0 && <=0.4.0:0");
    assertThat(info.at("/os/platform").asText()).isEqualTo("x86_64-nonfree");
    assertThat(info.at("/os/language").asText()).isEqualTo("en_US");
    assertThat(info.at("/hardware/arch").asText()).isIn("x86_64", "aarch64", "riscv64");
    assertThat(info.at("/hardware/ram").isNumber()).isTrue();
    assertThat(info.at("/hardware/devices").isArray()).isTrue();
  }

  @Test
  void setHostnameRenamesTheServer() {
    server.setHostname(JSON.createObjectNode().put("hostname", "quiet-owl"), caller());
    assertThat(db.get("/public/serverInfo/hostname").orElseThrow().asText()).isEqualTo("quiet-owl");
    server.setHostname(JSON.createObjectNode().put("name", "Quiet Owl Box"), caller());
    assertThat(db.get("/public/serverInfo/name").orElseThrow().asText()).isEqualTo("Quiet Owl Box");
    assertThat(db.get("/public/serverInfo/hostname").orElseThrow().asText()).isEqualTo("quiet-owl");
  }

  @Test
  void setHostnameRefusesInvalidOrMissingInputAndChangesNothing() {
    long sequence = db.sequence();
    assertThatThrownBy(() ->
            server.setHostname(JSON.createObjectNode().put("hostname", "Quiet Owl"), caller()))
        .isInstanceOf(RpcException.class)
        .hasMessageContaining("invalid character 'Q'")
        .extracting(e -> ((RpcException) e).kind())
        .isEqualTo(ErrorKind.INVALID_REQUEST);
    assertThatThrownBy(() -> server.setHostname(JSON.createObjectNode(), caller()))
        .hasMessageContaining("give a new name or hostname");
    assertThatThrownBy(
            () -> server.setHostname(JSON.createObjectNode().put("hostname", 42), caller()))
        .hasMessageContaining("parameter 'hostname' must be a string");
    assertThat(db.sequence()).isEqualTo(sequence);
  }

  @Test
  void metricsFromThisMachineHaveStartOsShape() {
    RpcRouter router = new RpcRouter();
    new ServerApi(new Database(db), dir).register(router);
    JsonNode metrics =
        router
            .route("server.metrics")
            .orElseThrow()
            .method()
            .call(JSON.createObjectNode(), caller());
    assertThat(metrics.fieldNames())
        .toIterable()
        .containsExactly("general", "memory", "cpu", "disk");
    assertThat(metrics.at("/memory/total/unit").asText()).isEqualTo("MiB");
    assertThat(Double.parseDouble(metrics.at("/memory/total/value").asText())).isPositive();
    assertThat(metrics.at("/cpu/percentageUsed/unit").asText()).isEqualTo("%");
    assertThat(metrics.at("/disk/capacity/unit").asText()).isEqualTo("GB");
    assertThat(Double.parseDouble(metrics.at("/disk/capacity/value").asText())).isPositive();
    assertThat(metrics.at("/general").has("temperature")).isTrue();
  }

  @Test
  void metricsAreComputedFromProcAndSysFiles() throws Exception {
    Path proc = Files.createDirectories(dir.resolve("proc"));
    Path sys = dir.resolve("sys");
    Files.writeString(
        proc.resolve("meminfo"),
        """
        MemTotal:        8192000 kB
        MemFree:         1024000 kB
        MemAvailable:    4096000 kB
        Buffers:          512000 kB
        Cached:          1024000 kB
        Slab:             512000 kB
        SwapTotal:       2048000 kB
        SwapFree:        1024000 kB
        """);
    Files.writeString(proc.resolve("stat"), "cpu  100 0 100 700 100 0 0 0 0 0\ncpu0 1 2 3\n");
    Files.createDirectories(sys.resolve("class/thermal/thermal_zone0"));
    Files.writeString(sys.resolve("class/thermal/thermal_zone0/temp"), "47500\n");
    Files.createDirectories(sys.resolve("class/thermal/thermal_zone1"));
    Files.writeString(sys.resolve("class/thermal/thermal_zone1/temp"), "52000\n");
    SystemMetrics metrics = new SystemMetrics(proc, sys, dir);

    JsonNode first = metrics.read();
    assertThat(first.at("/general/temperature/value").asText()).isEqualTo("52.0");
    assertThat(first.at("/general/temperature/unit").asText()).isEqualTo("°C");
    assertThat(first.at("/memory/total/value").asText()).isEqualTo("8000.00");
    assertThat(first.at("/memory/available/value").asText()).isEqualTo("4000.00");
    assertThat(first.at("/memory/used/value").asText()).isEqualTo("5000.00");
    assertThat(first.at("/memory/percentageUsed/value").asText()).isEqualTo("50.0");
    assertThat(first.at("/memory/zramUsed/value").asText()).isEqualTo("1000.00");
    assertThat(first.at("/cpu/percentageUsed/value").asText()).isEqualTo("20.0");
    assertThat(first.at("/cpu/idle/value").asText()).isEqualTo("70.0");
    assertThat(first.at("/cpu/wait/value").asText()).isEqualTo("10.0");

    // the second reading covers only the ticks since the first
    Files.writeString(proc.resolve("stat"), "cpu  160 0 120 720 100 0 0 0 0 0\n");
    JsonNode second = metrics.read();
    assertThat(second.at("/cpu/percentageUsed/value").asText()).isEqualTo("80.0");
    assertThat(second.at("/cpu/userSpace/value").asText()).isEqualTo("60.0");
    assertThat(second.at("/cpu/kernelSpace/value").asText()).isEqualTo("20.0");
    assertThat(second.at("/cpu/idle/value").asText()).isEqualTo("20.0");
  }

  @Test
  void aMachineWithoutSensorsReportsNoTemperatureAndBrokenProcIsAClearError() throws Exception {
    Path proc = Files.createDirectories(dir.resolve("proc"));
    SystemMetrics metrics = new SystemMetrics(proc, dir.resolve("nosys"), dir);
    assertThat(metrics.temperature()).isEmpty();
    Files.writeString(proc.resolve("meminfo"), "MemTotal: 10 kB\n");
    assertThatThrownBy(metrics::memory)
        .isInstanceOf(RpcException.class)
        .hasMessageContaining("MemAvailable missing");
    assertThatThrownBy(metrics::cpu).hasMessageContaining("cannot read");
  }

  private static Caller caller() {
    return Caller.anonymousLoopback();
  }

  /** A clock tests move by hand. */
  private static final class MovableClock extends Clock {
    private Instant now;

    MovableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
