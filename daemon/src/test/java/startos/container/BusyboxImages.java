package startos.container;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Builds small squashfs images from busybox-static for the integration tests. */
final class BusyboxImages {
  private BusyboxImages() {}

  /** PID 1 for the web container: serves /var/www on port 80, exits on TERM. */
  static final String WEB_INIT =
      """
      #!/bin/sh
      httpd -f -p 80 -h /var/www &
      HP=$!
      trap 'kill $HP; exit 0' TERM PWR INT
      while :; do sleep 3600 & wait $!; done
      """;

  /** PID 1 that ignores TERM, so only the kill after the timeout ends it. */
  static final String STUBBORN_INIT =
      """
      #!/bin/sh
      trap '' TERM PWR INT
      while :; do sleep 1; done
      """;

  /** A busybox root with /init.sh, /stubborn.sh and /var/www/index.html, owned by 100000. */
  static Path rootfs(Path workDir) throws IOException, InterruptedException {
    Path root = workDir.resolve("rootfs");
    Path bin = root.resolve("bin");
    Files.createDirectories(bin);
    Files.copy(Path.of("/bin/busybox"), bin.resolve("busybox"));
    String applets = run(List.of(bin.resolve("busybox").toString(), "--list"));
    for (String applet : applets.split("\n")) {
      Path link = bin.resolve(applet.strip());
      if (!applet.isBlank() && !Files.exists(link)) {
        Files.createSymbolicLink(link, Path.of("busybox"));
      }
    }
    for (String dir : List.of("etc", "proc", "sys", "dev", "tmp", "var/www", "media", "usr/lib")) {
      Files.createDirectories(root.resolve(dir));
    }
    Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/:/bin/sh\n");
    Files.writeString(root.resolve("etc/group"), "root:x:0:\n");
    Files.writeString(root.resolve("var/www/index.html"), "hello from busybox\n");
    executable(root.resolve("init.sh"), WEB_INIT);
    executable(root.resolve("stubborn.sh"), STUBBORN_INIT);
    return squash(root, workDir.resolve("rootfs.squashfs"));
  }

  /** A tiny stand-in for a package's javascript image. */
  static Path packageImage(Path workDir) throws IOException, InterruptedException {
    Path dir = workDir.resolve("package");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("index.js"), "module.exports = {};\n");
    return squash(dir, workDir.resolve("package.squashfs"));
  }

  private static Path squash(Path dir, Path image) throws IOException, InterruptedException {
    run(
        List.of(
            "mksquashfs",
            dir.toString(),
            image.toString(),
            "-comp",
            "zstd",
            "-noappend",
            "-quiet",
            "-no-progress",
            "-force-uid",
            "100000",
            "-force-gid",
            "100000"));
    return image;
  }

  private static void executable(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  static String run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("`" + String.join(" ", command) + "` failed: " + out);
    }
    return out;
  }
}
