package startos.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * JSON-RPC 2.0 over {@code POST <host>/rpc/v1}, carrying the stored {@code session} cookie and, on
 * loopback, the {@code local} cookie. Turns every failure into a {@link CliException} whose message
 * says what went wrong and what to do.
 */
public final class RpcClient {
  public static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final AtomicLong IDS = new AtomicLong();

  private final URI host;
  private final SessionStore sessions;
  private final Optional<String> localCookie;
  private final HttpClient http;

  /** The client for {@code settings}' server, with its saved session and local cookie. */
  public static RpcClient of(CliSettings settings) {
    URI uri = settings.hostUri();
    return new RpcClient(
        uri,
        new SessionStore(settings.cookieFile()),
        LocalAuth.cookie(uri, settings.dataDirectory(), settings.env()));
  }

  public RpcClient(URI host, SessionStore sessions, Optional<String> localCookie) {
    this.host = host;
    this.sessions = sessions;
    this.localCookie = localCookie;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  public URI host() {
    return host;
  }

  public SessionStore sessions() {
    return sessions;
  }

  /** Calls a method and returns its {@code result}. */
  public JsonNode call(String method, JsonNode params) {
    return exchange(method, params).result();
  }

  /** The result plus the session cookie the server set, if any (only {@code auth.login} does). */
  public record Reply(JsonNode result, Optional<String> sessionCookie) {}

  public Reply exchange(String method, JsonNode params) {
    Optional<String> session = sessions.session(host);
    ObjectNode body = JSON.createObjectNode();
    body.put("jsonrpc", "2.0");
    body.put("id", IDS.incrementAndGet());
    body.put("method", method);
    body.set("params", params == null ? JSON.createObjectNode() : params);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpoint())
            .timeout(TIMEOUT)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .header("User-Agent", "start-cli/" + CliSettings.VERSION)
            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes(body)));
    List<String> cookies = new ArrayList<>();
    session.ifPresent(s -> cookies.add("session=" + s));
    localCookie.ifPresent(c -> cookies.add("local=" + c));
    if (!cookies.isEmpty()) {
      request.header("Cookie", String.join("; ", cookies));
    }
    HttpResponse<byte[]> response = send(request.build());
    JsonNode reply;
    try {
      reply = JSON.readTree(response.body());
    } catch (IOException e) {
      reply = null;
    }
    if (reply == null || !reply.isObject() || !(reply.has("result") || reply.has("error"))) {
      throw new CliException(
          ExitCode.SERVER_ERROR,
          "startd at "
              + host
              + " answered HTTP "
              + response.statusCode()
              + " without a JSON-RPC reply: is this a StartOS server?");
    }
    if (reply.hasNonNull("error")) {
      throw failure(method, reply.get("error"), session.isPresent());
    }
    return new Reply(reply.get("result"), sessionCookie(response));
  }

  private URI endpoint() {
    String base = host.toString();
    return URI.create((base.endsWith("/") ? base : base + "/") + "rpc/v1");
  }

  private HttpResponse<byte[]> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpConnectTimeoutException e) {
      throw unreachable("connection timed out", e);
    } catch (HttpTimeoutException e) {
      throw unreachable("no answer within " + TIMEOUT.toSeconds() + " s", e);
    } catch (ConnectException e) {
      Throwable root = rootCause(e);
      if (root instanceof UnresolvedAddressException || root instanceof UnknownHostException) {
        throw unreachable("unknown host " + host.getHost(), e);
      }
      throw unreachable("connection refused", e);
    } catch (IOException e) {
      Throwable root = rootCause(e);
      String why = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
      throw unreachable(why, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unreachable("interrupted", e);
    }
  }

  private CliException unreachable(String why, Throwable cause) {
    return new CliException(
        ExitCode.UNREACHABLE, "cannot reach startd at " + host + ": " + why, cause);
  }

  private static Throwable rootCause(Throwable t) {
    for (int depth = 0; depth < 32 && t.getCause() != null; depth++) {
      t = t.getCause();
    }
    return t;
  }

  private CliException failure(String method, JsonNode error, boolean hadSession) {
    RpcFailure f = RpcFailure.of(error);
    if (f.code() == ErrorKinds.AUTHORIZATION) {
      if (hadSession) {
        sessions.forget(host); // the stored token is dead: do not send it again
        return new CliException(
            ExitCode.NOT_LOGGED_IN,
            "not logged in: the session ended (logged out, killed or expired); run `start-cli auth"
                + " login`");
      }
      return new CliException(ExitCode.NOT_LOGGED_IN, "not logged in: run `start-cli auth login`");
    }
    if (f.code() == ErrorKinds.UNINITIALIZED) {
      return new CliException(
          ExitCode.SETUP_REQUIRED,
          "setup required: "
              + f.details().orElse("the server is not set up yet")
              + " (run `start-cli setup execute`, then `start-cli setup complete`)");
    }
    return new CliException(ExitCode.SERVER_ERROR, method + " failed: " + f.describe());
  }

  private static Optional<String> sessionCookie(HttpResponse<?> response) {
    for (String header : response.headers().allValues("set-cookie")) {
      String first = header.split(";", 2)[0].trim();
      if (first.startsWith("session=")) {
        return Optional.of(first.substring("session=".length())).filter(s -> !s.isEmpty());
      }
    }
    return Optional.empty();
  }

  private static byte[] bytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
