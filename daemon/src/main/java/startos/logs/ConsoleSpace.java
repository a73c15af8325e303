package startos.logs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Gives back the disk space of the part of a console file the tailer has read, while the container
 * keeps appending to it. The seam between the tailer and the filesystem: tests race a writer
 * against it.
 */
interface ConsoleSpace {
  /**
   * Frees bytes {@code [0, upTo)} of {@code console} without changing its size or any byte after
   * {@code upTo}, so whatever the container appends meanwhile stays for the tailer to read. Blocks
   * until done; returns early, leaving the bytes in place, when the calling thread is interrupted.
   *
   * @throws IOException when the file system cannot do it (the caller then cuts the file back)
   */
  void release(Path console, long upTo) throws IOException;

  /**
   * Punches a hole over the read bytes ({@code fallocate --punch-hole}, util-linux): the hole reads
   * as zeros and takes no disk space, and the container's appends, which go to the file's end, are
   * never touched. ext4, xfs, btrfs and tmpfs support it. Java has no call for it, hence the tool.
   */
  static ConsoleSpace holePunch() {
    return (console, upTo) -> {
      // the console's directory is the host's: the container writes the file's bytes but can never
      // replace its name, so the name still reaches the file the tailer reads; checked all the same
      // because fallocate(1) opens it by name, following links
      if (!Files.isRegularFile(console, LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException("it is not a regular file");
      }
      List<String> command =
          List.of(
              "fallocate",
              "--punch-hole",
              "--offset",
              "0",
              "--length",
              Long.toString(upTo),
              console.toString());
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      try {
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(1, TimeUnit.MINUTES)) {
          p.destroyForcibly();
          throw new IOException("fallocate --punch-hole did not finish within a minute");
        }
        if (p.exitValue() != 0) {
          throw new IOException(out.isEmpty() ? "fallocate exited with " + p.exitValue() : out);
        }
      } catch (InterruptedException e) {
        // the tailer is being stopped: the bytes stay, the next boot starts a fresh file
        p.destroy();
        Thread.currentThread().interrupt();
      }
    };
  }
}
