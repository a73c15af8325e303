package startos.container;

import java.time.Duration;
import java.util.List;

/**
 * Runs host commands (lxc-*, ip, nft, mount...). The seam that lets unit tests check the commands
 * the backend issues without root.
 */
public interface ProcessRunner {
  Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Runs {@code command} with {@code stdin} as its input and waits for it to end. A non-zero exit
   * code is returned, not thrown; a command that cannot be launched or outlives {@code timeout} (it
   * is then killed) throws {@link ContainerException}. Blocks the calling thread.
   */
  ProcessResult run(List<String> command, String stdin, Duration timeout);

  default ProcessResult run(List<String> command) {
    return run(command, "", DEFAULT_TIMEOUT);
  }

  default ProcessResult run(String... command) {
    return run(List.of(command));
  }
}
