package startos.auth;

/** A stored password hash that cannot be read (corrupt or foreign format). */
public final class PasswordHashException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PasswordHashException(String message) {
    super(message);
  }
}
