package startos.cli;

/**
 * A failure the user should read as one sentence; {@link #exitCode()} tells scripts what kind it
 * was.
 */
public class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final ExitCode exitCode;

  public CliException(ExitCode exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public CliException(ExitCode exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public ExitCode exitCode() {
    return exitCode;
  }

  public static CliException local(String message) {
    return new CliException(ExitCode.LOCAL_ERROR, message);
  }

  public static CliException local(String message, Throwable cause) {
    return new CliException(ExitCode.LOCAL_ERROR, message, cause);
  }

  public static CliException usage(String message) {
    return new CliException(ExitCode.USAGE, message);
  }
}
