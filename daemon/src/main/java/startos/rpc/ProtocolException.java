package startos.rpc;

/**
 * A request that breaks JSON-RPC itself: unparseable, not a request, unknown method, bad params.
 * Answered with the standard -327xx codes; {@code details} says exactly what was wrong.
 */
public class ProtocolException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final StandardError error;

  public ProtocolException(StandardError error, String details) {
    super(details);
    this.error = error;
  }

  public StandardError error() {
    return error;
  }

  /** A -32602 error: the params do not fit the method. */
  public static ProtocolException invalidParams(String details) {
    return new ProtocolException(StandardError.INVALID_PARAMS, details);
  }
}
