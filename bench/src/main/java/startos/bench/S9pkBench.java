package startos.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import startos.s9pk.merkle.DeveloperKey;
import startos.s9pk.merkle.Hasher;
import startos.s9pk.merkle.S9pkArchive;
import startos.s9pk.merkle.S9pkBuilder;

/**
 * {@code bin/bench s9pk [--size-mib N] [--threads N]}: packs an archive holding one big image file
 * (1 GiB by default), verifies it (full read + BLAKE3 of every file) and compares with {@code
 * b3sum} on the same archive.
 */
public final class S9pkBench {
  private S9pkBench() {}

  public static void main(String[] args) throws Exception {
    long sizeMib = 1024;
    int threads = Runtime.getRuntime().availableProcessors();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--size-mib" -> sizeMib = Long.parseLong(args[++i]);
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        default -> {
          System.err.println("usage: bin/bench s9pk [--size-mib N] [--threads N]");
          System.exit(2);
        }
      }
    }
    Path dir = Files.createTempDirectory("s9pk-bench");
    try {
      run(dir, sizeMib, threads);
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void run(Path dir, long sizeMib, int threads) throws Exception {
    long bytes = sizeMib << 20;
    Path image = dir.resolve("main.squashfs");
    writeImage(image, bytes);
    System.out.printf(
        "s9pk bench: %d MiB image, %d hashing threads, %d processors%n",
        sizeMib, threads, Runtime.getRuntime().availableProcessors());

    Path archive = dir.resolve("bench.s9pk");
    DeveloperKey key = DeveloperKey.generate();
    double javaPack = pack(image, archive, key, threads, false);
    report("pack, Java BLAKE3 x" + threads, bytes, javaPack);
    double pack = pack(image, archive, key, threads, true);
    report("pack, default (b3sum while copying)", bytes, pack);
    Files.delete(image); // keep the page cache for the archive, not the source

    double verify = Math.min(verify(archive, Hasher.best()), verify(archive, Hasher.best()));
    double verifyMbps = bytes / verify / 1e6;
    report(
        Hasher.nativeRange().isPresent()
            ? "verify, default (native b3range)"
            : "verify, default (b3range not built: b3sum pipe or Java)",
        bytes,
        verify);
    Optional<Hasher> pipe = Hasher.b3sum();
    if (pipe.isPresent()) {
      report("verify, b3sum fed through a pipe", bytes, verify(archive, pipe.get()));
    }
    report("verify, Java BLAKE3 x" + threads, bytes, verify(archive, Hasher.parallel(threads)));
    double sequential = verify(archive, Hasher.sequential());
    report("verify, Java BLAKE3 x1 (reference)", bytes, sequential);
    Optional<Double> b3sum = b3sum(archive);
    if (b3sum.isEmpty()) {
      System.out.println("b3sum not installed (apt-get install -y b3sum): no comparison");
      return;
    }
    long archiveBytes = Files.size(archive);
    report("b3sum on the archive file", archiveBytes, b3sum.get());
    double b3Mbps = archiveBytes / b3sum.get() / 1e6;
    System.out.printf(
        "ratio verify/b3sum = %.2f, file in page cache (goal >= 0.50)%n", verifyMbps / b3Mbps);
    coldCache(archive, bytes, archiveBytes);
  }

  /**
   * The same comparison with the page cache dropped before each run (root only): what an install
   * from disk sees, where the question is whether hashing or the disk is the bottleneck.
   */
  private static void coldCache(Path archive, long bytes, long archiveBytes) throws Exception {
    Path dropCaches = Path.of("/proc/sys/vm/drop_caches");
    if (!Files.isWritable(dropCaches)) {
      System.out.println("cold cache: skipped (needs root to drop the page cache)");
      return;
    }
    dropCaches(dropCaches);
    long t0 = System.nanoTime();
    try (S9pkArchive a = S9pkArchive.open(archive)) {
      a.verifyFiles();
    }
    double verify = seconds(t0);
    report("verify, default, cold cache", bytes, verify);
    dropCaches(dropCaches);
    Optional<Double> b3sum = b3sum(archive);
    if (b3sum.isPresent()) {
      report("b3sum on the archive file, cold cache", archiveBytes, b3sum.get());
      System.out.printf(
          "ratio verify/b3sum = %.2f, cold cache%n",
          (bytes / verify) / (archiveBytes / b3sum.get()));
    }
  }

  private static void dropCaches(Path dropCaches) throws Exception {
    new ProcessBuilder("sync").inheritIO().start().waitFor();
    Files.writeString(dropCaches, "3\n");
  }

  private static double pack(
      Path image, Path archive, DeveloperKey key, int threads, boolean fast) {
    long t0 = System.nanoTime();
    S9pkBuilder.create()
        .threads(threads)
        .accelerate(fast)
        .add("manifest.json", "{\"id\":\"bench\"}".getBytes(StandardCharsets.UTF_8))
        .add("images/x86_64/main.squashfs", image)
        .write(archive, key);
    return seconds(t0);
  }

  private static double verify(Path archive, Hasher hasher) {
    long t0 = System.nanoTime();
    try (S9pkArchive a = S9pkArchive.open(archive)) {
      a.verifyFiles(hasher);
    }
    return seconds(t0);
  }

  private static Optional<Double> b3sum(Path file) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    Process p;
    try {
      p = new ProcessBuilder("b3sum", "--no-names", file.toString()).start();
    } catch (IOException e) {
      return Optional.empty();
    }
    p.getInputStream().readAllBytes();
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      return Optional.empty();
    }
    return Optional.of(seconds(t0));
  }

  private static void writeImage(Path image, long bytes) throws IOException {
    SplittableRandom random = new SplittableRandom(1);
    byte[] block = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(image)) {
      for (long done = 0; done < bytes; done += block.length) {
        for (int i = 0; i < block.length; i += 8) {
          long v = random.nextLong();
          for (int k = 0; k < 8; k++) {
            block[i + k] = (byte) (v >>> (8 * k));
          }
        }
        out.write(block, 0, (int) Math.min(block.length, bytes - done));
      }
    }
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static void report(String what, long bytes, double seconds) {
    System.out.printf("%-40s %8.2f s  %8.1f MB/s%n", what, seconds, bytes / seconds / 1e6);
  }
}
