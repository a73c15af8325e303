package startos.container;

import java.util.List;

/** How a host command ended. */
public record ProcessResult(List<String> command, int exitCode, String stdout, String stderr) {
  public ProcessResult {
    command = List.copyOf(command);
  }

  public boolean succeeded() {
    return exitCode == 0;
  }

  /** Returns this result, or throws with the command and its error output when it failed. */
  public ProcessResult orThrow(String whatFailed) {
    if (!succeeded()) {
      String detail = stderr.isBlank() ? stdout.strip() : stderr.strip();
      throw new ContainerException(
          whatFailed
              + ": `"
              + String.join(" ", command)
              + "` exited with "
              + exitCode
              + (detail.isEmpty() ? "" : ": " + detail));
    }
    return this;
  }
}
