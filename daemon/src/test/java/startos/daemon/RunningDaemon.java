package startos.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import startos.auth.Passwords;
import startos.container.HostNamespace;
import startos.container.Subnet;

/** A real startd on a free loopback port over a temp data dir, with a small JSON-RPC client. */
public final class RunningDaemon implements AutoCloseable {
  public static final String PASSWORD = "correct horse battery";
  public static final ObjectMapper JSON = new ObjectMapper();

  private final Startd startd;
  private final HttpClient http = HttpClient.newHttpClient();

  private RunningDaemon(Startd startd) {
    this.startd = startd;
  }

  /**
   * The containers' names of the daemon tests' startds: their own, so a test never tears down the
   * bridge, table or containers of a startd running on this machine.
   */
  public static final HostNamespace TEST_CONTAINERS =
      new HostNamespace(
          "sttestd0", Subnet.parse("10.214.1.1/24"), "startos_testd", "startos-testd");

  /**
   * The config of a test startd: loopback, a free port, {@link #TEST_CONTAINERS}, waiting its turn
   * when a parallel test run holds them.
   */
  public static Config config(Path dataDir) {
    return Config.of(dataDir, "127.0.0.1:0")
        .withContainers(TEST_CONTAINERS)
        .withClaimWait(Duration.ofMinutes(10));
  }

  public static RunningDaemon start(Path dataDir) {
    return start(config(dataDir));
  }

  public static RunningDaemon start(Config config) {
    return new RunningDaemon(Startd.start(config));
  }

  /** Writes what setup would: the password hash and the setup-complete flag. */
  public RunningDaemon completeSetup() {
    String hash = PasswordHash.VALUE;
    startd
        .db()
        .mutate(root -> {
          ObjectNode priv = (ObjectNode) root.get("private");
          priv.put("password", hash);
          priv.put("setupComplete", true);
          return null;
        });
    return this;
  }

  /** Hashed once per test JVM: argon2 is deliberately slow. */
  private static final class PasswordHash {
    static final String VALUE = Passwords.hash(PASSWORD);
  }

  public Startd startd() {
    return startd;
  }

  public URI base() {
    return URI.create("http://127.0.0.1:" + startd.port());
  }

  public URI ws(String guid) {
    return URI.create("ws://127.0.0.1:" + startd.port() + "/ws/rpc/" + guid);
  }

  /** Posts a raw body to /rpc/v1. */
  public HttpResponse<String> post(String body, Optional<String> cookie) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base().resolve("/rpc/v1"))
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/json")
            .header("User-Agent", "daemon-test")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    cookie.ifPresent(c -> request.header("Cookie", c));
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Calls a method and returns the whole response envelope. */
  public JsonNode call(String method, String paramsJson, Optional<String> cookie) {
    String body =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"%s\",\"params\":%s}"
            .formatted(method, paramsJson);
    return parse(post(body, cookie).body());
  }

  public JsonNode call(String method, String paramsJson) {
    return call(method, paramsJson, Optional.empty());
  }

  /** Logs in and returns the Cookie header value for the new session. */
  public String login() {
    HttpResponse<String> response =
        post(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"auth.login\",\"params\":{\"password\":\""
                + PASSWORD
                + "\"}}",
            Optional.empty());
    String setCookie =
        response
            .headers()
            .firstValue("Set-Cookie")
            .orElseThrow(() -> new AssertionError("no Set-Cookie: " + response.body()));
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  public static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + json, e);
    }
  }

  @Override
  public void close() {
    startd.close();
  }
}
