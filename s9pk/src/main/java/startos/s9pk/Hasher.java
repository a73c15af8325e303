package startos.s9pk;

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
   * Debian's {@code b3sum} (SIMD) fed through a pipe, for big sections; small ones stay in Java.
   * Empty when {@code b3sum} is not installed.
   */
  static Optional<Hasher> b3sum() {
    try {
      Process p = new ProcessBuilder("b3sum", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return Optional.empty();
      }
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
    Hasher small = parallel();
    return Optional.of((source, position, length) ->
        length < (4 << 20) ? small.hash(source, position, length) : pipe(source, position, length));
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
      String out;
      try (InputStream stdout = p.getInputStream()) {
        out = new String(stdout.readAllBytes(), StandardCharsets.US_ASCII).trim();
      }
      if (p.waitFor() != 0 || out.length() < 64) {
        throw new S9pkException("b3sum failed (exit " + p.exitValue() + ")");
      }
      return Hash.ofHex(out.substring(0, 64));
    } catch (IOException e) {
      throw new S9pkException("cannot run b3sum: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new S9pkException("interrupted while waiting for b3sum", e);
    }
  }
}
