package startos.http;

import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import startos.auth.LocalAuthCookie;
import startos.auth.Sessions;
import startos.patchdb.PatchDb;
import startos.rpc.RpcDispatcher;

/**
 * startd's HTTP side on Jetty core with virtual threads: {@code /rpc/*} JSON-RPC, {@code
 * /ws/rpc/<guid>} and {@code /rest/rpc/<guid>} continuations, everything else the web UI.
 */
public final class HttpServer implements AutoCloseable {
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
    Handler rpc = new RpcHandler(routes.dispatcher(), callers, routes.db());
    Handler rest = new RestHandler(routes.continuations());
    Handler web = new StaticFiles(routes.webRoot());
    Handler router =
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback)
              throws Exception {
            String path = Request.getPathInContext(request);
            boolean api =
                path.startsWith("/rpc/")
                    || path.equals("/rpc")
                    || path.startsWith(RestHandler.PREFIX)
                    || path.startsWith(WS_PREFIX);
            if (api) {
              SecurityHeaders.api(response.getHeaders());
              Optional<String> refused = refusal(request, origins, routes.packageAddress());
              if (refused.isPresent()) {
                RpcHandler.refuse(response, callback, 403, refused.get());
                return true;
              }
            } else {
              SecurityHeaders.ui(response.getHeaders());
            }
            if (path.startsWith("/rpc/") || path.equals("/rpc")) {
              return rpc.handle(request, response, callback);
            }
            if (path.startsWith(RestHandler.PREFIX)) {
              return rest.handle(request, response, callback);
            }
            Page page = routes.pages().get(path);
            if (page != null) {
              Optional<String> html = page.render();
              if (html.isEmpty()) {
                JsonResponses.text(response, callback, 404, path + " is not available yet");
              } else {
                JsonResponses.html(response, callback, html.get());
              }
              return true;
            }
            if (path.startsWith(WS_PREFIX)) {
              JsonResponses.text(
                  response, callback, 400, "this address only accepts WebSocket upgrades");
              return true;
            }
            return web.handle(request, response, callback);
          }
        };
    WebSocketUpgradeHandler upgrades =
        WebSocketUpgradeHandler.from(
            server,
            container -> {
              container.setIdleTimeout(Duration.ofDays(1));
              container.addMapping(
                  WS_PREFIX + "*",
                  (request, response, callback) -> {
                    Optional<String> refused = refusal(request, origins, routes.packageAddress());
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
    upgrades.setHandler(router);
    server.setHandler(upgrades);
    try {
      server.start();
    } catch (Exception e) {
      stopQuietly(server);
      throw new HttpStartException(bindMessage(host, port, e), e);
    }
    return new HttpServer(server, connector, host);
  }

  /**
   * Why an API request is refused before it is read: it comes from a package container (packages
   * reach startd through their host.sock only, so a package that obtained an admin's cookie cannot
   * replay it from inside), or from a browser page that is not startd's own.
   */
  private static Optional<String> refusal(
      Request request, OriginCheck origins, Predicate<InetAddress> packageAddress) {
    if (request.getConnectionMetaData().getRemoteSocketAddress() instanceof InetSocketAddress peer
        && peer.getAddress() != null
        && packageAddress.test(peer.getAddress())) {
      return Optional.of(
          "refused: startd's API is not reachable from package containers (packages use their host.sock)");
    }
    return origins.refusal(request);
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
