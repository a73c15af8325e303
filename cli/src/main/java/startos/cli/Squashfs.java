package startos.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Makes squashfs images of directories with squashfs-tools, as StartOS's packer does. */
final class Squashfs {
  private Squashfs() {}

  static void pack(Path dir, Path out) {
    if (!Files.isDirectory(dir)) {
      throw CliException.local(dir + " is not a directory, so it cannot become a squashfs image");
    }
    Path tool = Tools.require("mksquashfs", "to pack " + dir);
    Tools.run(
        List.of(
            tool.toString(), dir.toString(), out.toString(), "-noappend", "-quiet", "-no-progress"),
        Optional.empty(),
        Duration.ofHours(1));
  }
}
