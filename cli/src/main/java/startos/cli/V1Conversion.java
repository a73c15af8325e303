package startos.cli;

import java.nio.file.Path;

/** {@code s9pk convert}: v1 archives to v2. */
final class V1Conversion {
  private V1Conversion() {}

  static void convert(CliCommand cmd, Path s9pk) {
    throw CliException.local(
        s9pk
            + " is a v1 s9pk; converting v1 packages is not supported by this start-cli yet"
            + " (StartOS converts them itself on sideload)");
  }
}
