package startos.s9pk.merkle;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Computes BLAKE3 of a section of a source. Implementations block the calling thread and may use
 * others internally; all must agree with the sequential Java reference.
 */
@FunctionalInterface
public interface Hasher {
  Hash hash(ByteSource source, long position, long length);

  /** The reference: pure Java, one thread. */
  static Hasher sequential() {
    return (source, position, length) -> Blake3.hash(source, position, length, 1);
  }

  /** Pure Java, 1 MiB subtrees hashed on {@code threads} threads and merged. */
  static Hasher parallel(int threads) {
    return (source, position, length) -> Blake3.hash(source, position, length, threads);
  }

  /** All available processors. */
  static Hasher parallel() {
    return parallel(Runtime.getRuntime().availableProcessors());
  }

  /**
   * The fastest available: sections of a local file go to the project's native {@code b3range}
   * (SIMD on every core, reads the file itself); other big sections are piped into {@code b3sum};
   * the rest, and everything when neither tool is installed, is hashed in Java on every core.
   */
  static Hasher best() {
    Hasher fallback = B3sum.AVAILABLE ? B3sum.HASHER : parallel();
    return nativeRange()
        .<Hasher>map(tool ->
            (source, position, length) ->
                length >= NATIVE_MIN_LENGTH && source.fileSpan().isPresent()
                    ? tool.hash(source, position, length)
                    : fallback.hash(source, position, length))
        .orElse(fallback);
  }

  /** Below this, starting a process costs more than hashing in Java. */
  long NATIVE_MIN_LENGTH = 1 << 20;

  /**
   * The native {@code b3range} tool alone, for sections of local files (others fail); empty when it
   * is not built.
   */
  static Optional<Hasher> nativeRange() {
    return B3range.TOOL.map(tool ->
        (source, position, length) ->
            B3range.hash(
                tool,
                source
                    .fileSpan()
                    .orElseThrow(() -> new S9pkException("b3range hashes local files only")),
                position,
                length));
  }

  /**
   * Debian's {@code b3sum} (SIMD) fed through a pipe, for big sections; small ones stay in Java.
   * Empty when {@code b3sum} is not installed.
   */
  static Optional<Hasher> b3sum() {
    return B3sum.AVAILABLE ? Optional.of(B3sum.HASHER) : Optional.empty();
  }

  /** Looked up once per JVM. */
  final class B3sum {
    static final boolean AVAILABLE = probe();
    static final Hasher HASHER =
        (source, position, length) ->
            length < (4 << 20)
                ? parallel().hash(source, position, length)
                : pipe(source, position, length);

    private B3sum() {}

    private static boolean probe() {
      try {
        Process p = new ProcessBuilder("b3sum", "--version").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
      } catch (IOException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }

    /** Starts {@code b3sum} on a whole file (it maps the file and uses every core). */
    static Process start(java.nio.file.Path file) {
      try {
        return new ProcessBuilder("b3sum", "--no-names", file.toString()).start();
      } catch (IOException e) {
        throw new S9pkException("cannot run b3sum: " + e.getMessage(), e);
      }
    }

    static Hash result(Process p, String what) {
      try {
        String out;
        try (InputStream stdout = p.getInputStream()) {
          out = new String(stdout.readAllBytes(), StandardCharsets.US_ASCII).trim();
        }
        if (p.waitFor() != 0 || out.length() < 64) {
          throw new S9pkException("b3sum failed on " + what + " (exit " + p.exitValue() + ")");
        }
        return Hash.ofHex(out.substring(0, 64));
      } catch (IOException e) {
        throw new S9pkException("cannot read b3sum output: " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroy();
        throw new S9pkException("interrupted while waiting for b3sum", e);
      }
    }
  }

  private static Hash pipe(ByteSource source, long position, long length) {
    try {
      Process p = new ProcessBuilder("b3sum", "--no-names", "-").start();
      try (OutputStream in = p.getOutputStream()) {
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        long done = 0;
        while (done < length) {
          buf.clear().limit((int) Math.min(buf.capacity(), length - done));
          int n = source.read(position + done, buf);
          if (n <= 0) {
            p.destroy();
            throw new S9pkException(
                "section at " + position + " ends after " + done + " of " + length + " bytes");
          }
          in.write(buf.array(), 0, n);
          done += n;
        }
      }
      return B3sum.result(p, "a section at " + position);
    } catch (IOException e) {
      throw new S9pkException("cannot run b3sum: " + e.getMessage(), e);
    }
  }
}
