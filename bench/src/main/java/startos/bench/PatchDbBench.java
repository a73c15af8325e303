package startos.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import startos.patchdb.PatchDb;

/**
 * {@code bin/bench patchdb [--ops N] [--threads T] [--dir PATH]}: durable (fsync'd) revisions per
 * second with small patches, first with one writer, then with T concurrent writers sharing fsyncs.
 */
public final class PatchDbBench {
  private PatchDbBench() {}

  public static void main(String[] args) throws Exception {
    int ops = 5000;
    int threads = 4;
    Path base = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--ops" -> ops = Integer.parseInt(args[++i]);
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        case "--dir" -> base = Path.of(args[++i]);
        default -> {
          System.err.println("usage: bin/bench patchdb [--ops N] [--threads T] [--dir PATH]");
          System.exit(2);
        }
      }
    }
    Path dir =
        base == null ? Files.createTempDirectory("patchdb-bench") : Files.createDirectories(base);
    try {
      System.out.println("patchdb bench: durable revisions (fsync before return) in " + dir);
      // the first pass compiles the hot path; a daemon that has run for a minute is past it
      run("warm-up (JIT, not the result)", dir.resolve("warmup"), ops, 1);
      run("single-writer", dir.resolve("single"), ops, 1);
      run(threads + "-writers", dir.resolve("multi"), ops, threads);
      System.out.println("goal: >= 2000 fsync'd revisions/s with a single writer");
    } finally {
      if (base == null) {
        delete(dir);
      }
    }
  }

  private static void run(String name, Path dir, int ops, int threads) throws Exception {
    try (PatchDb db = PatchDb.open(dir)) {
      for (int i = 0; i < 300; i++) {
        commit(db, i);
      }
      long[] latencies = new long[ops];
      AtomicInteger next = new AtomicInteger();
      List<Thread> writers = new ArrayList<>();
      long start = System.nanoTime();
      for (int t = 0; t < threads; t++) {
        writers.add(
            Thread.ofPlatform()
                .start(() -> {
                  int op;
                  while ((op = next.getAndIncrement()) < ops) {
                    long before = System.nanoTime();
                    commit(db, op);
                    latencies[op] = System.nanoTime() - before;
                  }
                }));
      }
      for (Thread writer : writers) {
        writer.join();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      Arrays.sort(latencies);
      System.out.printf(
          Locale.ROOT,
          "%-14s ops=%d seconds=%.2f revisions/s=%.0f p50=%.3fms p99=%.3fms%n",
          name,
          ops,
          seconds,
          ops / seconds,
          latencies[ops / 2] / 1e6,
          latencies[(int) (ops * 0.99)] / 1e6);
    }
  }

  private static void commit(PatchDb db, int op) {
    db.mutate(root -> {
      ObjectNode pub = (ObjectNode) root.get("public");
      pub.put("counter", pub.path("counter").asLong() + 1);
      pub.put("k" + (op % 16), op);
      return null;
    });
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }
}
