package startos.patchdb;

import static org.assertj.core.api.Assertions.assertThat;
import static startos.patchdb.Json.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writer process at random moments (including mid-compaction) and checks that every
 * revision it reported as committed is still there and the database always opens.
 */
class CrashRecoveryTest {
  private static final int KILLS = 52;

  @TempDir Path dir;

  @Test
  void sigkillAtRandomMomentsNeverLosesAReportedRevisionNorBreaksTheDatabase() throws Exception {
    Random random = new Random(4242);
    Path db = dir.resolve("db");
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(System.getProperty("java.home") + "/bin/java");
    String classpath = System.getProperty("java.class.path");
    ObjectNode model = (ObjectNode) json("{'public':{},'private':{}}");
    long modelId = 0;
    long started = System.nanoTime();
    int reportedTotal = 0;
    Child next = start(java, classpath, 0, random);
    try {
      for (int kill = 0; kill < KILLS; kill++) {
        Child child = next;
        Files.createFile(child.gate());
        next = kill + 1 < KILLS ? start(java, classpath, kill + 1, random) : null;
        // mostly kill while revisions flow; sometimes during opening and recovery
        if (kill % 7 == 6) {
          Thread.sleep(random.nextInt(300));
        } else {
          awaitLines(child.stdout(), child.process(), 2);
          Thread.sleep(random.nextInt(120));
        }
        child.process().destroyForcibly();
        assertThat(child.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
        List<String> lines = completeLines(child.stdout());

        long reported = modelId;
        for (String line : lines) {
          if (line.startsWith("open ")) {
            assertThat(Long.parseLong(line.substring(5))).isGreaterThanOrEqualTo(modelId);
            continue;
          }
          int space = line.indexOf(' ');
          long id = Long.parseLong(line.substring(0, space));
          ArrayNode patch = (ArrayNode) Json.MAPPER.readTree(line.substring(space + 1));
          // revisions committed but not reported in an earlier round are replayed by the model
          while (modelId < id - 1) {
            CrashChild.step(model);
            modelId++;
          }
          JsonNode replayed = JsonPatches.apply(model, patch);
          CrashChild.step(model);
          modelId++;
          assertThat(modelId).isEqualTo(id);
          assertThat(JsonPatches.equal(replayed, model)).as("patch of revision %d", id).isTrue();
          reported = id;
          reportedTotal++;
        }

        try (PatchDb reopened = PatchDb.open(db)) {
          long id = reopened.sequence();
          assertThat(id)
              .as("round %d: reported %d", kill, reported)
              .isGreaterThanOrEqualTo(reported);
          while (modelId < id) {
            CrashChild.step(model);
            modelId++;
          }
          assertThat(modelId).as("round %d: the database went backwards", kill).isEqualTo(id);
          assertThat(JsonPatches.equal(reopened.dump("").value(), model))
              .as("round %d at revision %d", kill, id)
              .isTrue();
        }
      }
    } finally {
      if (next != null) {
        next.process().destroyForcibly();
      }
    }
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
    System.out.printf(
        "crash test: %d kills, %d revisions reported, final id %d, %d s%n",
        KILLS, reportedTotal, modelId, seconds);
    assertThat(reportedTotal).isGreaterThan(KILLS);
  }

  private record Child(Process process, Path stdout, Path gate) {}

  /** Starts child {@code n}; a third of them compact every few revisions or bytes. */
  private Child start(String java, String classpath, int n, Random random) throws IOException {
    boolean tiny = n % 3 == 0;
    int everyRevisions = tiny ? 1 + random.nextInt(4) : 4096;
    long everyBytes = tiny ? 100 + random.nextInt(2000) : 16L << 20;
    Path stdout = dir.resolve("child-" + n + ".out");
    Path gate = dir.resolve("child-" + n + ".go");
    Process process =
        new ProcessBuilder(
                java,
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                classpath,
                CrashChild.class.getName(),
                dir.resolve("db").toString(),
                Integer.toString(everyRevisions),
                Long.toString(everyBytes),
                gate.toString())
            .redirectError(dir.resolve("child-" + n + ".err").toFile())
            .redirectOutput(stdout.toFile())
            .start();
    return new Child(process, stdout, gate);
  }

  private static int newlines(Path file) throws IOException {
    int count = 0;
    for (byte b : Files.readAllBytes(file)) {
      if (b == '\n') {
        count++;
      }
    }
    return count;
  }

  private static void awaitLines(Path file, Process child, int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (newlines(file) < count && child.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }

  /** Only newline-terminated lines count as reported. */
  private static List<String> completeLines(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    int end = text.lastIndexOf('\n');
    return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n", -1));
  }
}
