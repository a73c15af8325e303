package startos.cli.pack;

import java.nio.file.Path;
import startos.cli.CliException;
import startos.s9pk.merkle.S9pkException;

/** Deleting the CLI's temporary trees, with failures reported as local (exit code 6) errors. */
final class LocalTrees {
  private LocalTrees() {}

  /** Deletes a file or a whole tree without following symlinks; absent is fine. */
  static void delete(Path path) {
    try {
      startos.s9pk.manifest.ImageUnpacker.delete(path);
    } catch (S9pkException e) {
      throw CliException.local(e.getMessage(), e);
    }
  }
}
