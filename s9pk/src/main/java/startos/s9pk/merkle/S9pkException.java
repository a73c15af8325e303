package startos.s9pk.merkle;

/** A package archive, key or manifest was rejected; the message says what and where. */
public class S9pkException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public S9pkException(String message) {
    super(message);
  }

  public S9pkException(String message, Throwable cause) {
    super(message, cause);
  }
}
