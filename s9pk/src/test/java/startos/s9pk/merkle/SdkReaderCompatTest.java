package startos.s9pk.merkle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import startos.s9pk.manifest.Manifest;
import startos.s9pk.manifest.ManifestTest;

/**
 * Ours → theirs: the official SDK reader (start-core {@code s9pk/merkleArchive}, npm
 * {@code @start9labs/start-sdk} 2.0.9) opens and verifies every kind of archive our writer
 * produces, and rejects it after a single-byte change anywhere (all positions for the small vector,
 * sampled ones across header, tables and file bytes for the others).
 */
public class SdkReaderCompatTest {
  public static final Path SDK_DIR = locate();

  private static Path locate() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("test-tools/sdk-compat"))) {
      dir = dir.getParent();
    }
    return dir == null ? Path.of("test-tools/sdk-compat") : dir.resolve("test-tools/sdk-compat");
  }

  private final ObjectMapper json = new ObjectMapper();

  @Test
  void sdkReaderVerifiesOurArchivesAndRejectsEverySingleByteChange(@TempDir Path dir)
      throws Exception {
    Assumptions.assumeTrue(
        Files.isDirectory(SDK_DIR.resolve("node_modules/@start9labs/start-sdk")),
        "skipped: run `npm ci` in " + SDK_DIR + " to cross-check with the SDK's reader");
    ArrayNode jobs = json.createArrayNode();
    // the computed vector: every position
    Path vector = dir.resolve("vector.s9pk");
    Files.write(vector, VectorTest.vector());
    jobs.add(job(vector, List.of("foo", "dir/a.txt"), false, allPositions(334)));
    // random trees (non-empty files: an empty file's position is not covered by any hash)
    for (int seed = 0; seed < 8; seed++) {
      Random r = new Random(500 + seed);
      Map<String, byte[]> tree = RandomTrees.tree(r, 1 + r.nextInt(10), 2000, false);
      Path p = dir.resolve("random-" + seed + ".s9pk");
      RandomTrees.builder(tree).write(p, RandomTrees.key(seed));
      jobs.add(job(p, new ArrayList<>(tree.keySet()), false, sample(p, r, 60)));
    }
    // a package (SDK path: magic, manifest.json parse) and its single-arch filtered form
    Path pkg = dir.resolve("pkg.s9pk");
    ManifestTest.pkg(ManifestTest.EXAMPLE, "x86_64", "aarch64").write(pkg, VectorTest.key());
    jobs.add(job(pkg, presentFiles(pkg), true, sample(pkg, new Random(1), 120)));
    Path filtered = dir.resolve("filtered.s9pk");
    try (S9pkArchive a = S9pkArchive.open(pkg)) {
      Manifest.of(a).writeFilteredFor("x86_64", a, filtered);
    }
    jobs.add(job(filtered, presentFiles(filtered), true, sample(filtered, new Random(2), 80)));
    // a file larger than one BLAKE3 piece (tree hashing in parallel)
    Path big = dir.resolve("big.s9pk");
    byte[] bigContent = new byte[(2 << 20) + 4097];
    new Random(9).nextBytes(bigContent);
    S9pkBuilder.create()
        .add("big.bin", bigContent)
        .add("small", new byte[] {1})
        .write(big, VectorTest.key());
    jobs.add(job(big, List.of("big.bin", "small"), false, sample(big, new Random(3), 10)));

    Path jobsFile = dir.resolve("jobs.json");
    json.writeValue(jobsFile.toFile(), jobs);
    List<JsonNode> results = SdkVerifier.run(jobsFile);
    assertThat(results).hasSize(jobs.size());
    for (JsonNode r : results) {
      assertThat(r.path("ok").asBoolean()).as("%s: %s", r.get("path"), r.get("error")).isTrue();
      assertThat(r.get("accepted")).as("changes accepted in %s", r.get("path")).isEmpty();
    }
  }

  private ObjectNode job(Path path, List<String> files, boolean sdk, List<Integer> positions) {
    ObjectNode j = json.createObjectNode();
    j.put("path", path.toString());
    j.set("files", json.valueToTree(files));
    j.put("sdk", sdk);
    j.set("positions", json.valueToTree(positions));
    return j;
  }

  private static List<Integer> allPositions(int n) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(i);
    }
    return out;
  }

  private static List<String> presentFiles(Path archive) {
    try (S9pkArchive a = S9pkArchive.open(archive)) {
      return new ArrayList<>(a.files().keySet());
    }
  }

  /**
   * One byte in each header field (the vector covers every header byte), plus random positions
   * across the tables and file bytes.
   */
  private static List<Integer> sample(Path p, Random r, int count) throws Exception {
    int size = (int) Files.size(p);
    TreeSet<Integer> out = new TreeSet<>(List.of(0, 2, 3, 34, 35, 98, 99, 130, 138, 146, 154));
    int header = out.size();
    while (out.size() < Math.min(size - Toc.HEADER_SIZE + header, header + count)) {
      out.add(Toc.HEADER_SIZE + r.nextInt(size - Toc.HEADER_SIZE));
    }
    return new ArrayList<>(out);
  }
}
