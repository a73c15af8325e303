package startos.cli;

import java.nio.file.Path;
import startos.s9pk.S9pkException;

/**
 * Only the tree deletion the CLI's temp-file clean-up uses; images themselves are unpacked by
 * {@link startos.s9pk.ImageUnpacker}, shared with v1 conversion.
 */
final class ImageUnpacker {
  private ImageUnpacker() {}

  /** Deletes a file or a whole tree without following symlinks; absent is fine. */
  static void delete(Path path) {
    try {
      startos.s9pk.ImageUnpacker.delete(path);
    } catch (S9pkException e) {
      throw CliException.local(e.getMessage(), e);
    }
  }
}
