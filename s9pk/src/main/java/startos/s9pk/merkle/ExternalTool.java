package startos.s9pk.merkle;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The seam to the host tools packing and image work needs ({@code tar}, {@code mksquashfs}, {@code
 * node}, {@code git}, {@code docker}): found on PATH, run to completion, and a failure becomes an
 * {@link S9pkException} naming the tool.
 */
public final class ExternalTool {
  private ExternalTool() {}

  /** Where {@code name} is on PATH, if anywhere. */
  public static Optional<Path> which(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** The tool's path, or an error saying it is missing, what for, and how to install it. */
  public static Path require(String name, String why) {
    return which(name)
        .orElseThrow(
            () -> new S9pkException(name + " is not installed but is needed " + why + hint(name)));
  }

  private static String hint(String name) {
    return switch (name) {
      case "mksquashfs", "unsquashfs" -> " (apt-get install squashfs-tools)";
      case "node" -> " (apt-get install nodejs)";
      case "tar" -> " (apt-get install tar)";
      default -> "";
    };
  }

  /** Runs {@code command}, feeding {@code stdin} if given; returns its stdout. */
  public static byte[] run(List<String> command, Optional<ByteSource> stdin, Duration timeout) {
    return run(command, Optional.empty(), stdin, timeout);
  }

  /**
   * Runs {@code command} in {@code dir} (else the current directory), feeding {@code stdin} if
   * given (else /dev/null); returns its stdout.
   */
  public static byte[] run(
      List<String> command, Optional<Path> dir, Optional<ByteSource> stdin, Duration timeout) {
    ProcessBuilder pb = new ProcessBuilder(command);
    dir.ifPresent(d -> pb.directory(d.toFile()));
    if (stdin.isEmpty()) {
      pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    }
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new S9pkException("cannot start " + command.get(0) + ": " + e.getMessage(), e);
    }
    CompletableFuture<byte[]> out = drain(p.getInputStream());
    CompletableFuture<byte[]> err = drain(p.getErrorStream());
    if (stdin.isPresent()) {
      try (OutputStream to = p.getOutputStream();
          InputStream from = stdin.get().stream()) {
        from.transferTo(to);
      } catch (IOException e) {
        // the tool stopped reading; its exit status and stderr tell why
      }
    }
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new S9pkException(
            command.get(0) + " did not finish within " + timeout.toSeconds() + " s");
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new S9pkException(command.get(0) + " was interrupted", e);
    }
    if (p.exitValue() != 0) {
      String msg = new String(err.join(), StandardCharsets.UTF_8).strip();
      if (msg.length() > 2000) {
        msg = "..." + msg.substring(msg.length() - 2000);
      }
      throw new S9pkException(
          command.get(0)
              + " failed (exit "
              + p.exitValue()
              + ")"
              + (msg.isEmpty() ? "" : ": " + msg));
    }
    return out.join();
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
