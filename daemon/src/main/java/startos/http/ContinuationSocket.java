package startos.http;

import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Jetty listener behind one continuation WebSocket (public: Jetty looks its methods up
 * reflectively). Client frames are ignored, as in StartOS; only close matters.
 */
public final class ContinuationSocket implements Session.Listener.AutoDemanding {
  private static final Logger LOG = LoggerFactory.getLogger(ContinuationSocket.class);

  private final Continuations registry;
  private final String owner;
  private final WsContinuation continuation;
  private volatile WsConnection connection;

  ContinuationSocket(Continuations registry, String owner, WsContinuation continuation) {
    this.registry = registry;
    this.owner = owner;
    this.continuation = continuation;
  }

  @Override
  public void onWebSocketOpen(Session session) {
    WsConnection conn = new WsConnection(session);
    connection = conn;
    registry.opened(owner, conn);
    Thread.ofVirtual().name("ws-continuation").start(() -> run(conn));
  }

  private void run(WsConnection conn) {
    try {
      continuation.run(conn);
      conn.flush();
      conn.close(1000, "complete");
    } catch (ConnectionClosedException e) {
      LOG.debug("continuation socket closed while sending", e);
    } catch (Exception e) {
      LOG.warn("continuation failed", e);
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      conn.close(1011, closeReason(reason));
    }
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason) {
    WsConnection conn = connection;
    if (conn != null) {
      conn.markClosed();
    }
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    LOG.debug("continuation socket error", cause);
    WsConnection conn = connection;
    if (conn != null) {
      conn.markClosed();
    }
  }

  /** A WebSocket close reason is at most 123 UTF-8 bytes; cut on a character boundary. */
  static String closeReason(String reason) {
    byte[] bytes = reason.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (bytes.length <= 123) {
      return reason;
    }
    int end = reason.length();
    while (reason.substring(0, end).getBytes(java.nio.charset.StandardCharsets.UTF_8).length
        > 123) {
      end--;
    }
    return reason.substring(0, end);
  }
}
