package startos.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import startos.cli.CliException;
import startos.cli.CliSettings;
import startos.cli.ExitCode;
import startos.cli.LocalAuth;
import startos.cli.Output;
import startos.cli.RpcClient;
import startos.cli.RpcFailure;
import startos.cli.SessionStore;

/**
 * startd's continuation channels, opened with a guid an RPC call returned: {@code /ws/rpc/<guid>}
 * streams (progress, logs) and {@code /rest/rpc/<guid>} uploads. They carry the same cookies as RPC
 * calls.
 */
final class PackageStreams {
  private static final Duration CONNECT = Duration.ofSeconds(30);

  private final URI host;
  private final Optional<String> cookies;
  private final HttpClient http;

  PackageStreams(URI host, Optional<String> cookies) {
    this.host = host;
    this.cookies = cookies;
    // HTTP/1.1: a streamed upload must not go through an h2c upgrade attempt
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
  }

  static PackageStreams of(CliSettings root) {
    URI host = root.hostUri();
    List<String> cookies = new ArrayList<>();
    new SessionStore(root.cookieFile()).session(host).ifPresent(s -> cookies.add("session=" + s));
    LocalAuth.cookie(host, root.dataDirectory(), root.env())
        .ifPresent(c -> cookies.add("local=" + c));
    return new PackageStreams(
        host, cookies.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", cookies)));
  }

  /** A continuation guid from an RPC result; startd's are base32, so anything else is refused. */
  static String guid(JsonNode result, String field, String method) {
    String guid = result.path(field).asText("");
    if (!guid.matches("[A-Za-z0-9_-]{1,128}")) {
      throw new CliException(
          ExitCode.SERVER_ERROR,
          method + " answered without a usable '" + field + "' guid: " + Output.compact(result));
    }
    return guid;
  }

  URI webSocketUri(String guid) {
    String scheme = "https".equalsIgnoreCase(host.getScheme()) ? "wss" : "ws";
    return URI.create(scheme + base().substring(host.getScheme().length()) + "ws/rpc/" + guid);
  }

  URI restUri(String guid) {
    return URI.create(base() + "rest/rpc/" + guid);
  }

  private String base() {
    String base = host.toString();
    return base.endsWith("/") ? base : base + "/";
  }

  /** Connects to {@code /ws/rpc/<guid>}; what arrives is read with {@link Socket#next}. */
  Socket open(String guid) {
    Socket socket = new Socket();
    WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(CONNECT);
    cookies.ifPresent(c -> builder.header("Cookie", c));
    try {
      socket.ws =
          builder.buildAsync(webSocketUri(guid), socket).get(CONNECT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw streamFailure(e.getCause());
    } catch (TimeoutException e) {
      throw new CliException(
          ExitCode.UNREACHABLE,
          "startd at " + host + " did not accept the stream within " + CONNECT.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCode.UNREACHABLE, "interrupted while connecting to startd");
    }
    return socket;
  }

  private CliException streamFailure(Throwable cause) {
    if (cause instanceof WebSocketHandshakeException h) {
      int status = h.getResponse().statusCode();
      Object body = h.getResponse().body();
      String text =
          switch (body) {
            case byte[] bytes -> new String(bytes, StandardCharsets.UTF_8);
            case String string -> string;
            case null, default -> "";
          };
      return new CliException(
          ExitCode.SERVER_ERROR,
          "startd refused the stream (HTTP "
              + status
              + ")"
              + (text.isBlank() ? "" : ": " + shorten(text.strip())));
    }
    if (cause instanceof ConnectException) {
      return new CliException(
          ExitCode.UNREACHABLE, "cannot reach startd at " + host + ": connection refused", cause);
    }
    return new CliException(
        ExitCode.UNREACHABLE,
        "cannot open a stream to startd at " + host + ": " + cause.getMessage(),
        cause);
  }

  /**
   * Sends {@code file} as the raw body of {@code POST /rest/rpc/<guid>}, streamed from disk with
   * its Content-Length, and waits for startd's answer.
   */
  void upload(String guid, Path file) {
    HttpRequest.Builder request;
    try {
      request =
          HttpRequest.newBuilder(restUri(guid))
              .header("Content-Type", "application/octet-stream")
              .header("User-Agent", "start-cli/" + CliSettings.VERSION)
              .POST(HttpRequest.BodyPublishers.ofFile(file));
    } catch (FileNotFoundException e) {
      throw CliException.local("cannot read " + file + ": " + e.getMessage(), e);
    }
    cookies.ifPresent(c -> request.header("Cookie", c));
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new CliException(
          ExitCode.UNREACHABLE,
          "the upload of " + file.getFileName() + " to " + host + " broke off: " + e.getMessage(),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCode.UNREACHABLE, "upload interrupted");
    }
    if (response.statusCode() / 100 != 2) {
      throw new CliException(
          ExitCode.SERVER_ERROR,
          "startd rejected the upload of "
              + file.getFileName()
              + " (HTTP "
              + response.statusCode()
              + "): "
              + reason(response.body()));
    }
  }

  // startd answers {"error": "..."}; anything else is shown as text
  private static String reason(String body) {
    try {
      JsonNode node = RpcClient.JSON.readTree(body);
      if (node != null && node.path("error").isTextual()) {
        return node.path("error").asText();
      }
      if (node != null && node.path("error").path("message").isTextual()) {
        return RpcFailure.of(node.path("error")).describe();
      }
    } catch (IOException e) {
      // not JSON: fall through to the text
    }
    return body.isBlank() ? "no reason given" : shorten(body.strip());
  }

  private static String shorten(String text) {
    return text.length() > 300 ? text.substring(0, 300) + "..." : text;
  }

  /** What a stream delivers, in order. */
  sealed interface Event {
    record Text(String text) implements Event {}

    record Closed(int code, String reason) implements Event {
      boolean normal() {
        return code == WebSocket.NORMAL_CLOSURE;
      }
    }

    record Broken(Throwable cause) implements Event {}
  }

  /** An open {@code /ws/rpc} stream; events queue up until read. */
  static final class Socket implements WebSocket.Listener, AutoCloseable {
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private volatile WebSocket ws;

    /** The next event, or empty when none arrived within {@code wait}. */
    Optional<Event> next(Duration wait) {
      try {
        return Optional.ofNullable(events.poll(wait.toMillis(), TimeUnit.MILLISECONDS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.of(new Event.Broken(e));
      }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        events.add(new Event.Text(partial.toString()));
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      events.add(new Event.Closed(statusCode, reason));
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      events.add(new Event.Broken(error));
    }

    @Override
    public void close() {
      WebSocket open = ws;
      if (open == null) {
        return;
      }
      if (!open.isOutputClosed()) {
        try {
          open.sendClose(WebSocket.NORMAL_CLOSURE, "")
              .toCompletableFuture()
              .get(1, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
          // the server is gone or slow: dropping the connection below is all that is left
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      open.abort();
    }
  }
}
