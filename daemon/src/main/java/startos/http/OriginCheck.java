package startos.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * Refuses browser requests that do not come from startd's own pages. A browser names the page that
 * sent a request in {@code Origin}; it must be exactly this server's scheme, host and port. The
 * port matters: a package's web UI is served on another port of the same host, which makes it the
 * same site (cookies reach it) but a different origin, and it must never act as the admin. The host
 * must also be one of the server's own names, so a page cannot reach startd by rebinding its own
 * DNS name to the server's address. Requests without {@code Origin} do not come from a web page
 * (start-cli, scripts) and are not refused here. Thread-safe.
 */
final class OriginCheck {
  private final ServerNames names;

  OriginCheck(ServerNames names) {
    this.names = names;
  }

  /** Why this request is refused, or empty when it may proceed. */
  Optional<String> refusal(Request request) {
    // the Origin header is set by the browser, not by the page: the browser is the trusted side
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    if (origin == null) {
      return Optional.empty();
    }
    String scheme = request.isSecure() ? "https" : "http";
    String host = Request.getServerName(request);
    int port = Request.getServerPort(request);
    String self = scheme + "://" + host + ":" + port;
    Optional<URI> uri = parse(origin);
    if (uri.isEmpty()) {
      return Optional.of(
          "refused: this request comes from a page with no usable origin ('%s'); startd accepts browser requests only from its own pages at %s"
              .formatted(origin, self));
    }
    String originScheme = uri.get().getScheme().toLowerCase(Locale.ROOT);
    int originPort = uri.get().getPort() >= 0 ? uri.get().getPort() : defaultPort(originScheme);
    if (!originScheme.equals(scheme)
        || !bare(uri.get().getHost()).equals(bare(host))
        || originPort != port) {
      return Optional.of(
          "refused: this request comes from the page at %s, which is not startd's own address %s; startd accepts browser requests only from its own pages"
              .formatted(origin, self));
    }
    if (!names.isOurs(host)) {
      return Optional.of(
          "refused: '%s' is not a name of this server; open startd by its IP address, <hostname>.local or localhost"
              .formatted(host));
    }
    return Optional.empty();
  }

  private static Optional<URI> parse(String origin) {
    try {
      URI uri = new URI(origin.trim());
      if (uri.getScheme() == null || uri.getHost() == null) {
        return Optional.empty();
      }
      return Optional.of(uri);
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
  }

  private static int defaultPort(String scheme) {
    return scheme.equals("https") ? 443 : 80;
  }

  private static String bare(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
  }
}
