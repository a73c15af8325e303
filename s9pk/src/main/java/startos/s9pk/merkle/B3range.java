package startos.s9pk.merkle;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The project's native hasher ({@code b3range/}, built by the host setup): BLAKE3 of a range of a
 * local file with AVX2 on every core, reading the file through a memory map. It exists because
 * {@code b3sum} hashes only whole files, and S9PK sections sit inside one.
 */
final class B3range {
  /** Found once per JVM: system property, environment, the checkout, then PATH. */
  static final Optional<Path> TOOL = locate();

  private B3range() {}

  private static Optional<Path> locate() {
    Optional<String> configured =
        Optional.ofNullable(System.getProperty("startos.b3range"))
            .or(() -> Optional.ofNullable(System.getenv("STARTOS_B3RANGE")))
            .or(() ->
                Optional.ofNullable(System.getenv("STARTOS_ROOT"))
                    .map(root -> root + "/b3range/build/b3range"));
    return configured
        .map(Path::of)
        .filter(Files::isExecutable)
        .or(() -> ExternalTool.which("b3range"));
  }

  /**
   * Hashes {@code length} bytes at {@code position} of the file behind {@code span}; fails when the
   * path no longer names the file that was opened.
   */
  static Hash hash(Path tool, ByteSource.FileSpan span, long position, long length) {
    long offset = span.offset() + position;
    // generous: even a slow disk reads 20 MB/s
    Duration timeout = Duration.ofSeconds(60 + length / 20_000_000);
    byte[] out =
        ExternalTool.run(
            List.of(
                tool.toString(),
                span.path().toString(),
                Long.toString(offset),
                Long.toString(length)),
            Optional.empty(),
            timeout);
    String[] fields = new String(out, StandardCharsets.US_ASCII).strip().split(" ");
    if (fields.length != 3 || fields[0].length() != 64) {
      throw new S9pkException("b3range printed an unexpected answer for " + span.path());
    }
    if (Long.parseLong(fields[1]) != span.device() || Long.parseLong(fields[2]) != span.inode()) {
      throw new S9pkException(
          span.path() + " was replaced by another file while it was being verified");
    }
    return Hash.ofHex(fields[0]);
  }
}
