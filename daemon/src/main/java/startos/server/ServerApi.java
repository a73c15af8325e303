package startos.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import startos.model.Database;
import startos.model.ServerInfo;
import startos.rpc.Caller;
import startos.rpc.ErrorKind;
import startos.rpc.Params;
import startos.rpc.RpcException;
import startos.rpc.RpcRouter;
import startos.setup.Hostnames;
import startos.setup.InitialDb;

/**
 * {@code server.time}, {@code server.metrics}, {@code server.device-info} and {@code
 * server.set-hostname}: facts about the machine and its identity. All need a session.
 */
public final class ServerApi {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** RFC 3339 with nanoseconds and an explicit offset, as StartOS prints it. */
  private static final DateTimeFormatter RFC3339 =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSSxxx", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private final Database db;
  private final SystemMetrics metrics;
  private final Clock clock;
  private final Instant started;
  private final String platform;

  /** Metrics measure {@code dataDir}'s disk; uptime counts from this construction. */
  public ServerApi(Database db, Path dataDir) {
    this(db, new SystemMetrics(dataDir), Clock.systemUTC(), platform(arch()));
  }

  ServerApi(Database db, SystemMetrics metrics, Clock clock, String platform) {
    this.db = db;
    this.metrics = metrics;
    this.clock = clock;
    this.started = clock.instant();
    this.platform = platform;
  }

  public void register(RpcRouter router) {
    router.register("server.time", (p, c) -> time());
    router.register("server.metrics", (p, c) -> metrics.read());
    router.register("server.device-info", (p, c) -> deviceInfo());
    router.register("server.set-hostname", this::setHostname);
  }

  /** {@code {now, uptime}}: wall-clock time and seconds since the daemon started. */
  JsonNode time() {
    Instant now = clock.instant();
    ObjectNode out = JSON.createObjectNode();
    out.put("now", RFC3339.format(now));
    out.put("uptime", Math.max(0, Duration.between(started, now).toSeconds()));
    return out;
  }

  /** {@code {os: {version, compat, platform, language}, hardware: {arch, ram, devices}}}. */
  JsonNode deviceInfo() {
    ServerInfo info = db.serverInfo();
    ObjectNode out = JSON.createObjectNode();
    ObjectNode os = out.putObject("os");
    os.put("version", InitialDb.VERSION);
    os.put("compat", InitialDb.PACKAGE_VERSION_COMPAT);
    os.put("platform", platform);
    os.put("language", info.language().orElse("en_US"));
    ObjectNode hardware = out.putObject("hardware");
    hardware.put("arch", arch());
    hardware.put("ram", info.ram());
    hardware.set("devices", JSON.valueToTree(info.devices()));
    return out;
  }

  /** {@code {name?, hostname?}}: renames the server; at least one must be given. */
  JsonNode setHostname(JsonNode params, Caller caller) {
    if (!params.isObject()) {
      throw new RpcException(ErrorKind.DESERIALIZATION, "params must be an object");
    }
    Optional<String> name = Params.of(params).nonBlankString("name");
    Optional<String> hostname =
        Params.of(params).nonBlankString("hostname").map(Hostnames::validate);
    if (name.isEmpty() && hostname.isEmpty()) {
      throw new RpcException(
          ErrorKind.INVALID_REQUEST, "give a new name or hostname (or both) for the server");
    }
    db.updateServerInfo(info -> {
      ServerInfo.Builder renamed = info.toBuilder();
      name.ifPresent(renamed::name);
      hostname.ifPresent(renamed::hostname);
      return renamed.build();
    });
    return NullNode.getInstance();
  }

  /** The CPU architecture in StartOS's (Rust's) spelling. */
  static String arch() {
    String arch = System.getProperty("os.arch", "unknown");
    return switch (arch) {
      case "amd64", "x86_64" -> "x86_64";
      case "aarch64", "arm64" -> "aarch64";
      default -> arch;
    };
  }

  /** The StartOS image's platform name, or the architecture when not on a StartOS image. */
  static String platform(String arch) {
    Path file = Path.of("/usr/lib/startos/PLATFORM.txt");
    try {
      if (Files.isRegularFile(file)) {
        String platform = Files.readString(file).strip();
        if (!platform.isEmpty()) {
          return platform;
        }
      }
    } catch (IOException e) {
      // unreadable: fall back to the architecture, as StartOS does
    }
    return arch;
  }
}
