package startos.patchdb;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The child JVM of {@link CrashRecoveryTest}: once its gate file exists, commits {@link #step} in a
 * loop and prints "id patch" for each revision once {@link PatchDb#mutate} has returned, until it
 * is killed. Arguments: database directory, compaction revisions, compaction bytes, gate file.
 */
public final class CrashChild {
  private CrashChild() {}

  /** The deterministic change of revision n: a counter, a sliding window and a few slots. */
  static void step(ObjectNode root) {
    ObjectNode pub = (ObjectNode) root.get("public");
    long n = pub.path("counter").asLong(0) + 1;
    pub.put("counter", n);
    ArrayNode window = pub.has("window") ? (ArrayNode) pub.get("window") : pub.putArray("window");
    window.add(n);
    if (window.size() > 8) {
      window.remove(0);
    }
    ObjectNode slots = pub.has("slots") ? (ObjectNode) pub.get("slots") : pub.putObject("slots");
    slots.put("s" + (n % 5), n);
    if (n % 3 == 0) {
      slots.remove("s" + ((n + 1) % 5));
    }
    pub.put("blob", "x".repeat((int) (n % 40)));
  }

  /**
   * Loads and exercises the classes on an in-memory database, then waits for the gate file: the
   * test starts the next child while checking the last one, so JVM start-up is off the critical
   * path.
   */
  private static void warmUpThenAwait(Path gate) throws InterruptedException {
    try (PatchDb warm = PatchDb.inMemory()) {
      for (int i = 0; i < 20; i++) {
        warm.mutate(root -> {
          step(root);
          return null;
        });
      }
      if (warm.dump("").value().toString().isEmpty()) {
        throw new IllegalStateException("the warm-up database is empty");
      }
    }
    while (!Files.exists(gate)) {
      Thread.sleep(2);
    }
  }

  public static void main(String[] args) throws InterruptedException {
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    PatchDbOptions options = new PatchDbOptions(Integer.parseInt(args[1]), Long.parseLong(args[2]));
    warmUpThenAwait(Path.of(args[3]));
    try (PatchDb db = PatchDb.open(Path.of(args[0]), options)) {
      out.println("open " + db.sequence());
      out.flush();
      while (true) {
        Mutation<Void> mutation =
            db.mutate(root -> {
              step(root);
              return null;
            });
        Revision revision = mutation.revision().orElseThrow();
        out.println(revision.id() + " " + revision.patch());
        out.flush();
      }
    }
  }
}
