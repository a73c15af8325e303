package startos.action;

/**
 * One refused field: {@code path} names it the way the input JSON nests it ({@code
 * servers[2].port}, {@code pruning.value.size}; empty for the input as a whole) and {@code message}
 * says what is wrong, never repeating the value (it may be a password).
 */
public record FieldError(String path, String message) {
  public FieldError {
    if (path == null || message == null) {
      throw new IllegalArgumentException("a field error needs a path and a message");
    }
  }

  /** {@code "servers[2].port": must be at most 65535}. */
  @Override
  public String toString() {
    return (path.isEmpty() ? "input" : "\"" + path + "\"") + ": " + message;
  }
}
