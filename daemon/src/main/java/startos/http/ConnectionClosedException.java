package startos.http;

/** Sending on a WebSocket that has closed (the client left, or its session ended). */
public final class ConnectionClosedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConnectionClosedException(String message, Throwable cause) {
    super(message, cause);
  }
}
