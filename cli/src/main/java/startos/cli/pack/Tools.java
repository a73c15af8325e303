package startos.cli.pack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import startos.cli.CliException;
import startos.cli.ExitCode;
import startos.s9pk.merkle.ExternalTool;
import startos.s9pk.merkle.S9pkException;

/**
 * The CLI's face on {@link ExternalTool}: a missing or failing tool is a local error with the
 * tool's own message, so the user sees one sentence and exit code {@link ExitCode#LOCAL_ERROR}.
 */
final class Tools {
  private Tools() {}

  static Path require(String name, String why) {
    try {
      return ExternalTool.require(name, why);
    } catch (S9pkException e) {
      throw CliException.local(e.getMessage(), e);
    }
  }

  /** Runs to completion; returns stdout. A non-zero exit becomes an error naming the tool. */
  static byte[] run(List<String> command, Optional<Path> dir, Duration timeout) {
    try {
      return ExternalTool.run(command, dir, Optional.empty(), timeout);
    } catch (S9pkException e) {
      throw CliException.local(e.getMessage(), e);
    }
  }
}
