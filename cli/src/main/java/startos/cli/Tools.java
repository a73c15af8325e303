package startos.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the external tools packing needs (node, mksquashfs, tar, git, docker) with clear errors. */
final class Tools {
  private Tools() {}

  /** Where {@code name} is on PATH, if anywhere. */
  static Optional<Path> which(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  static Path require(String name, String why) {
    return which(name)
        .orElseThrow(
            () -> CliException.local(name + " is not installed but is needed " + why + hint(name)));
  }

  private static String hint(String name) {
    return switch (name) {
      case "mksquashfs", "unsquashfs" -> " (apt-get install squashfs-tools)";
      case "node" -> " (apt-get install nodejs)";
      case "tar" -> " (apt-get install tar)";
      default -> "";
    };
  }

  /** Runs to completion; returns stdout. A non-zero exit becomes an error naming the tool. */
  static byte[] run(List<String> command, Optional<Path> dir, Duration timeout) {
    ProcessBuilder pb = new ProcessBuilder(command);
    dir.ifPresent(d -> pb.directory(d.toFile()));
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw CliException.local("cannot start " + command.get(0) + ": " + e.getMessage(), e);
    }
    CompletableFuture<byte[]> stdout = drain(p.getInputStream());
    CompletableFuture<byte[]> stderr = drain(p.getErrorStream());
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw CliException.local(
            command.get(0) + " did not finish within " + timeout.toSeconds() + " s");
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw CliException.local(command.get(0) + " was interrupted", e);
    }
    byte[] out = stdout.join();
    if (p.exitValue() != 0) {
      String err = new String(stderr.join(), StandardCharsets.UTF_8).strip();
      if (err.length() > 2000) {
        err = "..." + err.substring(err.length() - 2000);
      }
      throw CliException.local(
          command.get(0)
              + " failed (exit "
              + p.exitValue()
              + ")"
              + (err.isEmpty() ? "" : ": " + err));
    }
    return out;
  }

  private static CompletableFuture<byte[]> drain(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            return in.readAllBytes();
          } catch (IOException e) {
            return new byte[0];
          }
        },
        Thread::startVirtualThread);
  }
}
