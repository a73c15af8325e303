package startos.container;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs commands with {@link ProcessBuilder}. Output goes to temporary files rather than pipes:
 * daemons such as LXC's monitor may inherit the descriptors, and a pipe would then never close.
 */
public final class SystemProcessRunner implements ProcessRunner {

  @Override
  public ProcessResult run(List<String> command, String stdin, Duration timeout) {
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("startos-cmd", ".out");
      err = Files.createTempFile("startos-cmd", ".err");
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      if (stdin.isEmpty()) {
        builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      }
      Process process = builder.start();
      if (!stdin.isEmpty()) {
        try (OutputStream in = process.getOutputStream()) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
          // the command exited without reading all of its input; its exit code tells the rest
        }
      }
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
        throw new ContainerException(
            "`" + String.join(" ", command) + "` did not finish within " + timeout + "; killed it");
      }
      return new ProcessResult(
          command,
          process.exitValue(),
          new String(Files.readAllBytes(out), StandardCharsets.UTF_8),
          new String(Files.readAllBytes(err), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ContainerException(
          "cannot run `" + String.join(" ", command) + "`: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ContainerException(
          "interrupted while running `" + String.join(" ", command) + "`", e);
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // a leftover temp file is harmless
      }
    }
  }
}
