package startos.http;

/** The HTTP server could not start or stop (e.g. the port is in use). */
public final class HttpStartException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public HttpStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
