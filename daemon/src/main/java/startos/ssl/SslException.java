package startos.ssl;

/** A certificate or key could not be made, read or written. */
public class SslException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SslException(String message) {
    super(message);
  }

  public SslException(String message, Throwable cause) {
    super(message, cause);
  }
}
