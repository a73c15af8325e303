package startos.cli;

import java.nio.file.Path;

/** {@code s9pk convert}: v1 archives to v2. */
final class V1Conversion {
  private V1Conversion() {}

  /** What the user is told until the s9pk library can read v1 archives. */
  static CliException unsupported(Path s9pk) {
    return CliException.local(
        s9pk
            + " is a v1 s9pk; converting v1 packages is not supported by this start-cli yet"
            + " (StartOS converts them itself on sideload)");
  }
}
