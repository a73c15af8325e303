package startos.http;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import startos.auth.LocalAuthCookie;
import startos.auth.Sessions;
import startos.rpc.Caller;

/** Works out who is calling from the request's cookies and connection. */
final class CallerResolver {
  static final String SESSION_COOKIE = "session";

  private final Sessions sessions;
  private final LocalAuthCookie localCookie;

  CallerResolver(Sessions sessions, LocalAuthCookie localCookie) {
    this.sessions = sessions;
    this.localCookie = localCookie;
  }

  Caller resolve(Request request) {
    Optional<String> session = Optional.empty();
    boolean local = false;
    List<HttpCookie> cookies = Request.getCookies(request);
    for (HttpCookie cookie : cookies) {
      if (cookie.getName().equals(SESSION_COOKIE) && session.isEmpty()) {
        session = sessions.authenticate(cookie.getValue());
      } else if (cookie.getName().equals(LocalAuthCookie.COOKIE_NAME)) {
        local |= localCookie.matches(cookie.getValue());
      }
    }
    String userAgent = request.getHeaders().get(HttpHeader.USER_AGENT);
    SocketAddress peer = request.getConnectionMetaData().getRemoteSocketAddress();
    return new Caller(
        session,
        local,
        isLoopback(peer),
        request.isSecure(),
        userAgent == null ? "" : userAgent,
        clientOf(peer));
  }

  private static String clientOf(SocketAddress address) {
    return address instanceof InetSocketAddress inet && inet.getAddress() != null
        ? inet.getAddress().getHostAddress()
        : "";
  }

  private static boolean isLoopback(SocketAddress address) {
    return address instanceof InetSocketAddress inet
        && inet.getAddress() != null
        && inet.getAddress().isLoopbackAddress();
  }
}
