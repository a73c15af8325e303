package startos.exver;

/** A version or version range string that is not valid exver. */
public final class ExverParseException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String input;
  private final int position;

  ExverParseException(String kind, String input, int position, String problem) {
    super(kind + " \"" + input + "\" is invalid at position " + position + ": " + problem);
    this.input = input;
    this.position = position;
  }

  /** The complete string that failed to parse. */
  public String input() {
    return input;
  }

  /** Zero-based character offset where the problem was found. */
  public int position() {
    return position;
  }
}
