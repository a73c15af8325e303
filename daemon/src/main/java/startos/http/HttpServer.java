package startos.http;

import java.net.BindException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import org.eclipse.jetty.http.pathmap.PathSpec;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.PathMappingsHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import startos.auth.LocalAuthCookie;
import startos.auth.Sessions;
import startos.patchdb.PatchDb;
import startos.rpc.RpcDispatcher;

/**
 * startd's HTTP side on Jetty core with virtual threads, routed through one table ({@link
 * PathMappingsHandler}): {@code /rpc/*} JSON-RPC, {@code /ws/rpc/<guid>} and {@code
 * /rest/rpc/<guid>} continuations, generated pages at their exact paths (the info page with the CA
 * download), everything else the web UI. API routes pass the {@link Gates#api} checks first; every
 * response carries {@link SecurityHeaders}.
 */
public final class HttpServer implements AutoCloseable {
  static final String RPC_PREFIX = "/rpc/";
  static final String WS_PREFIX = "/ws/rpc/";

  private final Server server;
  private final ServerConnector connector;
  private final String host;

  private HttpServer(Server server, ServerConnector connector, String host) {
    this.server = server;
    this.connector = connector;
    this.host = host;
  }

  /** What the server serves. */
  public record Routes(
      RpcDispatcher dispatcher,
      Sessions sessions,
      LocalAuthCookie localCookie,
      PatchDb db,
      Continuations continuations,
      Optional<Path> webRoot,
      Map<String, Page> pages,
      ServerNames names,
      Predicate<InetAddress> packageAddress) {
    public Routes {
      pages = Map.copyOf(pages);
    }
  }

  /** A generated HTML page at a fixed path (e.g. {@code /StartOS-info.html}). */
  @FunctionalInterface
  public interface Page {
    /** The page, or empty when it is not available yet (answered with 404). */
    Optional<String> render();
  }

  /**
   * Binds and starts.
   *
   * @throws HttpStartException when the address cannot be bound (in use, not local, no permission)
   */
  public static HttpServer start(String host, int port, Routes routes) {
    QueuedThreadPool threads = new QueuedThreadPool();
    threads.setName("http");
    threads.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
    Server server = new Server(threads);
    server.setStopTimeout(3_000);
    ServerConnector connector = new ServerConnector(server);
    connector.setHost(host);
    connector.setPort(port);
    server.addConnector(connector);

    CallerResolver callers = new CallerResolver(routes.sessions(), routes.localCookie());
    OriginCheck origins = new OriginCheck(routes.names());
    Gates gates = new Gates(origins, routes.packageAddress());
    // one line per prefix; the most specific spec wins (exact, then longest prefix, then "/")
    PathMappingsHandler table = new PathMappingsHandler();
    table.addMapping(
        PathSpec.from(RPC_PREFIX + "*"),
        gates.api(new RpcHandler(routes.dispatcher(), callers, routes.db())));
    table.addMapping(
        PathSpec.from(RestHandler.PREFIX + "*"),
        gates.api(new RestHandler(routes.continuations())));
    table.addMapping(PathSpec.from(WS_PREFIX + "*"), gates.api(HttpServer::webSocketOnly));
    routes.pages().forEach((path, page) -> table.addMapping(PathSpec.from(path), ui(page)));
    table.addMapping(PathSpec.from("/"), Gates.ui(new StaticFiles(routes.webRoot())));
    WebSocketUpgradeHandler upgrades =
        WebSocketUpgradeHandler.from(
            server,
            container -> {
              container.setIdleTimeout(Duration.ofDays(1));
              container.addMapping(
                  WS_PREFIX + "*",
                  (request, response, callback) -> {
                    Optional<String> refused = gates.refusal(request);
                    if (refused.isPresent()) {
                      Response.writeError(request, response, callback, 403, refused.get());
                      return null;
                    }
                    String path = Request.getPathInContext(request);
                    String guid = path.substring(WS_PREFIX.length());
                    Optional<Continuations.ClaimedWs> claimed =
                        Guid.isWellFormed(guid)
                            ? routes.continuations().claimWebSocket(guid)
                            : Optional.empty();
                    if (claimed.isEmpty()) {
                      Response.writeError(
                          request,
                          response,
                          callback,
                          404,
                          "unknown, already used or expired continuation: request a new one");
                      return null;
                    }
                    return new ContinuationSocket(
                        routes.continuations(),
                        claimed.get().session(),
                        claimed.get().continuation());
                  });
            });
    upgrades.setHandler(table);
    server.setHandler(upgrades);
    try {
      server.start();
    } catch (Exception e) {
      stopQuietly(server);
      throw new HttpStartException(bindMessage(host, port, e), e);
    }
    return new HttpServer(server, connector, host);
  }

  /** A generated page at its fixed path: 404 with a sentence until it can be rendered. */
  private static Handler ui(Page page) {
    return Gates.ui((request, response, callback) -> {
      Optional<String> html = page.render();
      if (html.isEmpty()) {
        JsonResponses.text(
            response, callback, 404, request.getHttpURI().getPath() + " is not available yet");
      } else {
        JsonResponses.html(response, callback, html.get());
      }
      return true;
    });
  }

  /** {@code /ws/rpc/<guid>} without an upgrade: the upgrade handler in front took the real ones. */
  private static boolean webSocketOnly(Request request, Response response, Callback callback) {
    JsonResponses.text(response, callback, 400, "this address only accepts WebSocket upgrades");
    return true;
  }

  private static String bindMessage(String host, int port, Exception e) {
    Throwable cause = e;
    while (cause != null && !(cause instanceof BindException)) {
      cause = cause.getCause();
    }
    if (cause != null) {
      String why = String.valueOf(cause.getMessage());
      if (why.toLowerCase(java.util.Locale.ROOT).contains("in use")) {
        return "cannot listen on %s:%d: the port is already in use".formatted(host, port);
      }
      return "cannot listen on %s:%d: %s".formatted(host, port, why);
    }
    return "cannot start the HTTP server on %s:%d: %s".formatted(host, port, e.getMessage());
  }

  private static void stopQuietly(Server server) {
    try {
      server.stop();
    } catch (Exception ignored) {
      // already failing; the start error is what the user needs
    }
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return connector.getLocalPort();
  }

  /** The URL to open in a browser. */
  public URI url() {
    String shown = host.isEmpty() || host.equals("0.0.0.0") ? "localhost" : host;
    if (shown.contains(":")) {
      shown = "[" + shown + "]";
    }
    return URI.create("http://" + shown + ":" + port() + "/");
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new HttpStartException("the HTTP server did not stop cleanly: " + e.getMessage(), e);
    }
  }
}
