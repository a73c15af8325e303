package startos.cli;

/**
 * Process exit codes of {@code start-cli}; scripts can branch on them, so they are part of the
 * interface and documented in {@code start-cli --help}.
 */
public enum ExitCode {
  OK(0, "success"),
  SERVER_ERROR(1, "the server answered with an error"),
  USAGE(2, "bad arguments or options"),
  UNREACHABLE(3, "cannot reach startd"),
  NOT_LOGGED_IN(4, "not logged in, or the session ended"),
  SETUP_REQUIRED(5, "the server is not set up yet"),
  LOCAL_ERROR(6, "a local file, key or tool problem");

  private final int code;
  private final String meaning;

  ExitCode(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  public int code() {
    return code;
  }

  public String meaning() {
    return meaning;
  }

  /** The footer of {@code --help}: one line per exit code. */
  public static String helpFooter() {
    StringBuilder b = new StringBuilder("%nExit codes:%n");
    for (ExitCode c : values()) {
      b.append(String.format("  %d  %s%%n", c.code, c.meaning));
    }
    return b.toString();
  }
}
