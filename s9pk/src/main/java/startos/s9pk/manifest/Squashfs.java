package startos.s9pk.manifest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import startos.s9pk.merkle.ExternalTool;
import startos.s9pk.merkle.S9pkException;

/** Makes squashfs images of directories with squashfs-tools, as StartOS's packer does. */
public final class Squashfs {
  private Squashfs() {}

  /** Packs {@code dir} (assets, javascript) keeping owners as they are on disk. */
  public static void pack(Path dir, Path out) {
    pack(dir, out, false);
  }

  /**
   * Packs an image root filesystem. Unpacked without root privileges, every file belongs to us, not
   * to the owners the layers named; then all files are stored as root's, which most images expect.
   */
  public static void packRootfs(Path rootfs, Path out) {
    pack(rootfs, out, !"root".equals(System.getProperty("user.name")));
  }

  private static void pack(Path dir, Path out, boolean allRoot) {
    if (!Files.isDirectory(dir)) {
      throw new S9pkException(dir + " is not a directory, so it cannot become a squashfs image");
    }
    Path tool = ExternalTool.require("mksquashfs", "to pack " + dir);
    List<String> cmd =
        new ArrayList<>(
            List.of(
                tool.toString(),
                dir.toString(),
                out.toString(),
                "-noappend",
                "-quiet",
                "-no-progress"));
    if (allRoot) {
      cmd.add("-all-root");
    }
    ExternalTool.run(cmd, Optional.empty(), Duration.ofHours(1));
  }
}
