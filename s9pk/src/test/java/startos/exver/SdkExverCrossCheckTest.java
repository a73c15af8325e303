package startos.exver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs 100 000 seeded random ranges and 100 000 version pairs through both our exver and the
 * official SDK's TypeScript exver (one long-lived Node process fed JSON lines) and compares
 * acceptance, printing, comparison and satisfaction. Cases where the SDK is documented to differ
 * from the server (see README.md) are compared for acceptance only.
 */
class SdkExverCrossCheckTest {
  private static final long SEED = 0x5eed_e7e5L;
  private static final int RANGES = 100_000;
  private static final int PAIRS = 100_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Optional<Path> sdkCompat() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("test-tools/sdk-compat");
      if (Files.isRegularFile(candidate.resolve("exver-oracle.mjs"))) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private record RangeCase(RangeTextGenerator.Case input, Optional<VersionRange> ours) {}

  private record PairCase(String a, String b) {}

  @Test
  void ourExverAgreesWithTheSdkOnRandomInputs(@TempDir Path tmp)
      throws IOException, InterruptedException {
    Path dir = sdkCompat().orElseThrow(() -> new AssertionError("test-tools/sdk-compat not found"));
    Assumptions.assumeTrue(
        Files.isDirectory(
            dir.resolve("node_modules/@start9labs/start-sdk/node_modules/@start9labs/start-core")),
        "SKIPPED: test-tools/sdk-compat/node_modules is missing; run npm ci there");

    long start = System.nanoTime();
    Process node =
        new ProcessBuilder("node", "exver-oracle.mjs")
            .directory(dir.toFile())
            .redirectError(tmp.resolve("node.log").toFile())
            .start();
    // one thread generates and feeds cases while this one reads the answers: Node and Java overlap
    BlockingQueue<Object> pending = new LinkedBlockingQueue<>();
    AtomicReference<Throwable> writerFailure = new AtomicReference<>();
    Thread writer =
        Thread.ofPlatform()
            .name("exver-case-writer")
            .start(() -> writeCases(node, pending, writerFailure));

    List<String> mismatches = new ArrayList<>();
    int compared = 0;
    int semanticsCompared = 0;
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8), 1 << 16)) {
      for (int i = 0; i < RANGES + PAIRS; i++) {
        String line = r.readLine();
        if (line == null) {
          throw new AssertionError(
              "node stopped answering after "
                  + i
                  + " cases; writer: "
                  + writerFailure.get()
                  + "; log: "
                  + Files.readString(tmp.resolve("node.log")));
        }
        JsonNode answer = JSON.readTree(line);
        switch (pending.take()) {
          case RangeCase c -> {
            if (checkRange(c, answer, mismatches)) {
              semanticsCompared++;
            }
          }
          case PairCase p -> checkPair(p, answer, mismatches);
          default -> throw new AssertionError("unexpected case");
        }
        compared++;
      }
    }
    writer.join();
    assertThat(node.waitFor(30, TimeUnit.SECONDS)).as("node exits").isTrue();
    assertThat(writerFailure.get()).isNull();
    long cpuMillis =
        ProcessHandle.current().info().totalCpuDuration().map(d -> d.toMillis()).orElse(-1L);
    System.out.printf(
        "exver cross-check: %d cases (%d ranges with semantics) in %d ms wall;"
            + " this JVM used %d ms CPU in all%n",
        compared, semanticsCompared, (System.nanoTime() - start) / 1_000_000, cpuMillis);
    assertThat(mismatches)
        .as("Java vs SDK mismatches (seed %x), first ones", SEED)
        .hasSizeLessThan(1)
        .isEmpty();
    assertThat(compared).isEqualTo(RANGES + PAIRS);
    // guard against a generator that drifted into only-excluded cases
    assertThat(semanticsCompared).isGreaterThan(RANGES / 2);
  }

  private static void writeCases(
      Process node, BlockingQueue<Object> pending, AtomicReference<Throwable> failure) {
    SplittableRandom rnd = new SplittableRandom(SEED);
    RangeTextGenerator gen = new RangeTextGenerator(rnd);
    try (BufferedWriter w =
        new BufferedWriter(
            new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8), 1 << 16)) {
      for (int i = 0; i < RANGES; i++) {
        RangeTextGenerator.Case c = gen.next(rnd.nextInt(5) == 0);
        Optional<VersionRange> ours = tryParse(c.text());
        ObjectNode line = JSON.createObjectNode().put("k", "range").put("s", c.text());
        ArrayNode probes = line.putArray("v");
        c.probes().forEach(probes::add);
        ours.ifPresent(r -> line.put("p", r.toString()));
        pending.put(new RangeCase(c, ours));
        w.write(JSON.writeValueAsString(line));
        w.newLine();
      }
      for (int i = 0; i < PAIRS; i++) {
        PairCase p = new PairCase(pairText(gen, rnd), pairText(gen, rnd));
        pending.put(p);
        w.write(
            JSON.writeValueAsString(
                JSON.createObjectNode().put("k", "ver").put("a", p.a()).put("b", p.b())));
        w.newLine();
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      failure.set(e);
    }
  }

  private static String pairText(RangeTextGenerator gen, SplittableRandom rnd) {
    if (rnd.nextInt(10) == 0) {
      String[] bad = {
        "1..3", "", "a", "1", "1:", ":1", "#A:1:0", "1:0:0", "1.x:0", "1-:0", "1-a.:0", "-1:0",
        "1.:0", " 1:0", "1:0 ", "#a1:1:0", "01.2:03"
      };
      return bad[rnd.nextInt(bad.length)];
    }
    return gen.randomVersion();
  }

  private static Optional<VersionRange> tryParse(String text) {
    try {
      return Optional.of(VersionRange.parse(text));
    } catch (ExverParseException e) {
      return Optional.empty();
    }
  }

  /** Returns true if semantics were compared too. */
  private static boolean checkRange(RangeCase c, JsonNode a, List<String> mismatches) {
    String text = c.input().text();
    boolean sdkOk = a.get("ok").asBoolean();
    if (sdkOk != c.ours().isPresent()) {
      note(
          mismatches,
          "acceptance of \"" + text + "\": ours " + c.ours().isPresent() + ", sdk " + a);
      return false;
    }
    if (c.ours().isEmpty() || c.input().sdkSemanticsDiffer()) {
      return false;
    }
    VersionRange ours = c.ours().get();
    List<String> probes = c.input().probes();
    for (int i = 0; i < probes.size(); i++) {
      boolean mine = ExtendedVersion.parse(probes.get(i)).satisfies(ours);
      if (mine != a.get("sat").get(i).asBoolean()) {
        note(mismatches, probes.get(i) + " in \"" + text + "\": ours " + mine);
      }
      if (!a.has("reSat") || mine != a.get("reSat").get(i).asBoolean()) {
        note(mismatches, probes.get(i) + " in our print \"" + ours + "\" read by the SDK: " + a);
      }
    }
    // the SDK prints differently (&&, ^ kept, fewer parentheses): it must mean the same to us
    Optional<VersionRange> sdkPrint = tryParse(a.get("print").asText());
    if (sdkPrint.isEmpty()) {
      note(mismatches, "SDK print \"" + a.get("print").asText() + "\" of " + text + " unreadable");
      return true;
    }
    for (String probe : probes) {
      ExtendedVersion v = ExtendedVersion.parse(probe);
      if (v.satisfies(ours) != v.satisfies(sdkPrint.get())) {
        note(mismatches, probe + " in SDK print \"" + a.get("print").asText() + "\" of " + text);
      }
    }
    // an exact (all versions) equivalence check on a sample: it costs more than the probes
    if (text.hashCode() % 16 == 0 && !SdkAndServerVectorsTest.equivalent(ours, sdkPrint.get())) {
      note(mismatches, "SDK print \"" + a.get("print").asText() + "\" not equivalent to " + text);
    }
    return true;
  }

  private static void checkPair(PairCase p, JsonNode a, List<String> mismatches) {
    String[] texts = {p.a(), p.b()};
    List<Optional<ExtendedVersion>> ours = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Optional<ExtendedVersion> v;
      try {
        v = Optional.of(ExtendedVersion.parse(texts[i]));
      } catch (ExverParseException e) {
        v = Optional.empty();
      }
      ours.add(v);
      if (v.isPresent() != a.get("ok").get(i).asBoolean()) {
        note(mismatches, "acceptance of version \"" + texts[i] + "\": ours " + v.isPresent());
      } else if (v.isPresent() && !v.get().toString().equals(a.get("print").get(i).asText())) {
        note(mismatches, "print of \"" + texts[i] + "\": ours " + v.get());
      }
    }
    if (ours.get(0).isPresent() && ours.get(1).isPresent()) {
      PartialOrdering mine = ours.get(0).get().compare(ours.get(1).get());
      String expected =
          switch (mine) {
            case LESS -> "less";
            case EQUAL -> "equal";
            case GREATER -> "greater";
            case INCOMPARABLE -> "null";
          };
      if (!expected.equals(a.get("cmp").asText())) {
        note(mismatches, "compare " + p + ": ours " + mine + ", sdk " + a.get("cmp"));
      }
    }
  }

  private static void note(List<String> mismatches, String what) {
    if (mismatches.size() < 20) {
      mismatches.add(what);
    }
  }
}
