package startos.daemon;

/** startd cannot start; the message is the one sentence the user sees. */
public final class StartupException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StartupException(String message, Throwable cause) {
    super(message, cause);
  }
}
