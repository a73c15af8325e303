package startos.container;

/** How a command run inside a container ended. */
public record ExecResult(int exitCode, String stdout, String stderr) {
  public boolean succeeded() {
    return exitCode == 0;
  }
}
