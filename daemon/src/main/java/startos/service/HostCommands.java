package startos.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

/** Runs the few host tools the service layer needs (mount, umount, unsquashfs). */
final class HostCommands {
  private HostCommands() {}

  /** Runs a command, failing with {@code what} and the tool's first error line. */
  static String run(String what, List<String> command) {
    return run(what, Optional.empty(), command);
  }

  /** Runs a command in {@code dir} (the host's cwd when empty). */
  static String run(String what, Optional<Path> dir, List<String> command) {
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      dir.ifPresent(d -> builder.directory(d.toFile()));
      Process p = builder.start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new RpcException(ErrorKind.FILESYSTEM, what + ": " + command.get(0) + " timed out");
      }
      if (p.exitValue() != 0) {
        String first = out.strip().lines().reduce((a, b) -> b).orElse("exit " + p.exitValue());
        throw new RpcException(ErrorKind.FILESYSTEM, what + ": " + first);
      }
      return out;
    } catch (IOException e) {
      throw new RpcException(ErrorKind.FILESYSTEM, what + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RpcException(ErrorKind.CANCELLED, what + ": interrupted");
    }
  }

  static String run(String what, String... command) {
    return run(what, List.of(command));
  }
}
