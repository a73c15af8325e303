package startos.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.function.Predicate;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * What stands in front of each route of the table: API routes refuse package containers and foreign
 * pages before reading anything and answer with the API's security headers; UI routes carry the
 * UI's policy. Thread-safe.
 */
final class Gates {
  private final OriginCheck origins;
  private final Predicate<InetAddress> packageAddress;

  Gates(OriginCheck origins, Predicate<InetAddress> packageAddress) {
    this.origins = origins;
    this.packageAddress = packageAddress;
  }

  /** {@code route} behind the API checks. */
  Handler api(Request.Handler route) {
    return new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback)
          throws Exception {
        SecurityHeaders.api(response.getHeaders());
        Optional<String> refused = refusal(request);
        if (refused.isPresent()) {
          RpcHandler.refuse(response, callback, 403, refused.get());
          return true;
        }
        return route.handle(request, response, callback);
      }
    };
  }

  /** {@code route} with the web UI's headers. */
  static Handler ui(Request.Handler route) {
    return new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback)
          throws Exception {
        SecurityHeaders.ui(response.getHeaders());
        return route.handle(request, response, callback);
      }
    };
  }

  /**
   * Why an API request is refused before it is read: it comes from a package container (packages
   * reach startd through their host.sock only, so a package that obtained an admin's cookie cannot
   * replay it from inside), or from a browser page that is not startd's own. The peer address is
   * the connection's (trusted); the Origin header is the browser's (trusted to name the page).
   */
  Optional<String> refusal(Request request) {
    if (request.getConnectionMetaData().getRemoteSocketAddress() instanceof InetSocketAddress peer
        && peer.getAddress() != null
        && packageAddress.test(peer.getAddress())) {
      return Optional.of(
          "refused: startd's API is not reachable from package containers (packages use their host.sock)");
    }
    return origins.refusal(request);
  }
}
