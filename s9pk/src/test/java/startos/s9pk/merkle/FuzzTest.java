package startos.s9pk.merkle;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import startos.s9pk.manifest.ManifestTest;

/** Mutated archives end in a valid read or an S9pkException: no other exception, OOM or hang. */
class FuzzTest {
  static final int RUNS = 100_000;

  static List<byte[]> corpus() {
    List<byte[]> corpus = new ArrayList<>();
    corpus.add(VectorTest.vector());
    for (int seed = 0; seed < 6; seed++) {
      Random r = new Random(1000 + seed);
      corpus.add(
          RandomTrees.builder(RandomTrees.tree(r, 2 + r.nextInt(6), 64, true))
              .toBytes(VectorTest.key()));
    }
    corpus.add(ManifestTest.pkg(ManifestTest.EXAMPLE, "x86_64").toBytes(VectorTest.key()));
    corpus.add(BadInputTest.nested(4));
    return corpus;
  }

  @Test
  void oneHundredThousandMutatedArchivesAreReadOrCleanlyRejected() {
    List<byte[]> corpus = corpus();
    long start = System.nanoTime();
    // two seeded halves on two threads: each half is deterministic on its own
    int[][] outcomes = new int[2][2];
    Assertions.assertTimeoutPreemptively(
        Duration.ofSeconds(120),
        () -> {
          Thread[] threads = new Thread[2];
          Throwable[] failures = new Throwable[2];
          for (int t = 0; t < 2; t++) {
            int half = t;
            threads[t] =
                new Thread(() -> {
                  try {
                    run(corpus, 42 + half, RUNS / 2, outcomes[half]);
                  } catch (Throwable e) {
                    failures[half] = e;
                  }
                });
            threads[t].start();
          }
          for (Thread thread : threads) {
            thread.join();
          }
          for (Throwable f : failures) {
            if (f != null) {
              throw f;
            }
          }
        });
    long ms = (System.nanoTime() - start) / 1_000_000;
    int read = outcomes[0][0] + outcomes[1][0];
    int rejected = outcomes[0][1] + outcomes[1][1];
    System.out.printf(
        "fuzz: %d archives in %d ms: %d read, %d rejected%n", RUNS, ms, read, rejected);
    assertThat(read + rejected).isEqualTo(RUNS);
    assertThat(rejected).isGreaterThan(RUNS * 9 / 10);
  }

  private static void run(List<byte[]> corpus, long seed, int runs, int[] outcomes) {
    Random random = new Random(seed);
    for (int run = 0; run < runs; run++) {
      byte[] original = corpus.get(random.nextInt(corpus.size()));
      byte[] mutant = mutate(original, random);
      try {
        BadInputTest.openAndReadAll(mutant);
        outcomes[0]++;
      } catch (S9pkException e) {
        if (e.getMessage() == null || e.getMessage().isBlank()) {
          throw new AssertionError(
              "seed " + seed + " run " + run + ": rejection without a message", e);
        }
        outcomes[1]++;
      } catch (RuntimeException | Error e) {
        throw new AssertionError("seed " + seed + " run " + run + ": unexpected " + e, e);
      }
    }
  }

  static byte[] mutate(byte[] original, Random r) {
    byte[] m = original.clone();
    switch (r.nextInt(7)) {
      case 0 -> {
        int flips = 1 + r.nextInt(4);
        for (int i = 0; i < flips; i++) {
          m[r.nextInt(m.length)] ^= (byte) (1 << r.nextInt(8));
        }
      }
      case 1 -> m[r.nextInt(m.length)] = (byte) r.nextInt(256);
      case 2 -> m = java.util.Arrays.copyOf(m, r.nextInt(m.length));
      case 3 -> {
        // overwrite an aligned-anywhere u64 with an interesting value
        long[] values = {0, 1, 155, m.length, m.length - 1, Long.MAX_VALUE, -1, 1L << 32, 1 << 20};
        int at = r.nextInt(Math.max(1, m.length - 8));
        ByteBuffer.wrap(m).putLong(at, values[r.nextInt(values.length)]);
      }
      case 4 -> {
        // insert a byte
        int at = r.nextInt(m.length);
        byte[] n = new byte[m.length + 1];
        System.arraycopy(m, 0, n, 0, at);
        n[at] = (byte) r.nextInt(256);
        System.arraycopy(m, at, n, at + 1, m.length - at);
        m = n;
      }
      case 5 -> {
        // delete a byte
        int at = r.nextInt(m.length);
        byte[] n = new byte[m.length - 1];
        System.arraycopy(m, 0, n, 0, at);
        System.arraycopy(m, at + 1, n, at, m.length - at - 1);
        m = n;
      }
      default -> {
        // copy a random run of bytes over another place (confuses positions and sizes)
        int len = 1 + r.nextInt(16);
        int from = r.nextInt(Math.max(1, m.length - len));
        int to = r.nextInt(Math.max(1, m.length - len));
        System.arraycopy(original, from, m, to, Math.min(len, m.length - to));
      }
    }
    return m;
  }
}
