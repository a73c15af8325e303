package startos.patchdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static startos.patchdb.Json.json;
import static startos.patchdb.Json.patch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableStoreTest {
  @TempDir Path dir;

  private static void commit(PatchDb db, int n) {
    db.mutate(root -> {
      ((ObjectNode) root.get("public")).put("k" + n, n);
      return null;
    });
  }

  /** Offsets of the records in a log, from its framing. */
  private static int[] recordOffsets(byte[] log) {
    int[] offsets = new int[64];
    int count = 0;
    int offset = 0;
    while (offset + 8 <= log.length) {
      int length = ByteBuffer.wrap(log, offset, 4).getInt();
      if (length == 0) {
        break;
      }
      offsets[count++] = offset;
      offset += 8 + length;
    }
    return Arrays.copyOf(offsets, count);
  }

  private Map<String, byte[]> contents() throws IOException {
    Map<String, byte[]> files = new HashMap<>();
    try (Stream<Path> list = Files.list(dir)) {
      for (Path file : list.toList()) {
        if (!file.getFileName().toString().equals("db.lock")) {
          files.put(file.getFileName().toString(), Files.readAllBytes(file));
        }
      }
    }
    return files;
  }

  private void assertUnchangedAfterFailedOpen(String message) throws IOException {
    Map<String, byte[]> before = contents();
    assertThatThrownBy(() -> PatchDb.open(dir))
        .isInstanceOf(PatchDbException.class)
        .hasMessageContaining(message);
    Map<String, byte[]> after = contents();
    assertThat(after.keySet()).isEqualTo(before.keySet());
    before.forEach((name, bytes) -> assertThat(after.get(name)).as(name).isEqualTo(bytes));
  }

  @Test
  void aNewDirectoryIsCreatedAndRevisionsSurviveReopening() {
    Path nested = dir.resolve("a/b/db");
    try (PatchDb db = PatchDb.open(nested)) {
      assertThat(db.dump("")).isEqualTo(new Dump(0, json("{'public':{},'private':{}}")));
      for (int i = 1; i <= 10; i++) {
        commit(db, i);
      }
      db.apply(patch("[{'op':'remove','path':'/public/k3'}]"));
    }
    assertThat(nested.resolve("db.snapshot")).exists();
    try (PatchDb db = PatchDb.open(nested)) {
      assertThat(db.sequence()).isEqualTo(11);
      assertThat(db.get("/public/k10")).contains(json("10"));
      assertThat(db.get("/public/k3")).isEmpty();
      commit(db, 11);
      assertThat(db.sequence()).isEqualTo(12);
    }
  }

  @Test
  void compactionRewritesTheSnapshotAndEmptiesTheLog() throws IOException {
    try (PatchDb db = PatchDb.open(dir, new PatchDbOptions(5, 1 << 20))) {
      for (int i = 1; i <= 12; i++) {
        commit(db, i);
      }
      byte[] log = Files.readAllBytes(dir.resolve("db.log"));
      assertThat(recordOffsets(log)).as("two revisions since the compaction at 10").hasSize(2);
    }
    try (PatchDb db = PatchDb.open(dir, new PatchDbOptions(1000, 200))) {
      assertThat(db.sequence()).isEqualTo(12);
      for (int i = 13; i <= 30; i++) {
        commit(db, i);
      }
      assertThat(recordOffsets(Files.readAllBytes(dir.resolve("db.log"))).length)
          .as("the byte threshold compacts too")
          .isLessThan(10);
    }
    try (PatchDb db = PatchDb.open(dir)) {
      assertThat(db.sequence()).isEqualTo(30);
      assertThat(db.dump("/public").value().size()).isEqualTo(30);
    }
  }

  @Test
  void concurrentDurableWritersShareFsyncsAndAllSurviveReopening() throws Exception {
    try (PatchDb db = PatchDb.open(dir, new PatchDbOptions(64, 1 << 20))) {
      Subscription all = db.subscribe("/public/n");
      List<Thread> writers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        writers.add(
            Thread.ofPlatform()
                .start(() -> {
                  for (int i = 0; i < 100; i++) {
                    db.mutate(root -> {
                      ObjectNode pub = (ObjectNode) root.get("public");
                      pub.put("n", pub.path("n").asInt() + 1);
                      return null;
                    });
                  }
                }));
      }
      for (Thread writer : writers) {
        writer.join();
      }
      long last = 0;
      for (Optional<Revision> next = all.poll(Duration.ZERO);
          next.isPresent();
          next = all.poll(Duration.ZERO)) {
        assertThat(next.get().id()).isEqualTo(last + 1);
        last = next.get().id();
      }
      assertThat(last).as("every revision delivered once, in order").isEqualTo(400);
    }
    try (PatchDb db = PatchDb.open(dir)) {
      assertThat(db.sequence()).isEqualTo(400);
      assertThat(db.get("/public/n")).contains(json("400"));
      assertThat(db.subscribe("/public").initial().id()).isEqualTo(400);
    }
  }

  @Test
  void aTornTailIsDroppedAndTheCommittedRevisionsKept() throws IOException {
    try (PatchDb db = PatchDb.open(dir)) {
      for (int i = 1; i <= 3; i++) {
        commit(db, i);
      }
    }
    Path logPath = dir.resolve("db.log");
    byte[] log = Files.readAllBytes(logPath);
    int[] offsets = recordOffsets(log);
    int end = offsets[2] + 8 + ByteBuffer.wrap(log, offsets[2], 4).getInt();
    // half of a fourth record: a length and checksum, then only part of the payload
    byte[] torn = Arrays.copyOf(log, end + 20);
    System.arraycopy(log, offsets[2], torn, end, 20);
    ByteBuffer.wrap(torn, end, 4).putInt(500);
    Files.write(logPath, torn);
    try (PatchDb db = PatchDb.open(dir)) {
      assertThat(db.sequence()).isEqualTo(3);
      assertThat(Files.size(logPath)).isEqualTo(end);
      commit(db, 4);
    }
    try (PatchDb db = PatchDb.open(dir)) {
      assertThat(db.sequence()).isEqualTo(4);
    }
  }

  @Test
  void aDamagedLastRecordIsATornTailButADamagedMiddleOneIsCorruption() throws IOException {
    try (PatchDb db = PatchDb.open(dir)) {
      for (int i = 1; i <= 4; i++) {
        commit(db, i);
      }
    }
    Path logPath = dir.resolve("db.log");
    byte[] log = Files.readAllBytes(logPath);
    int[] offsets = recordOffsets(log);

    byte[] middle = log.clone();
    middle[offsets[1] + 12] ^= 0x40;
    Files.write(logPath, middle);
    assertUnchangedAfterFailedOpen("db.log is corrupt: the record at offset " + offsets[1]);
    assertThatThrownBy(() -> PatchDb.open(dir))
        .hasMessageContaining("CRC32C checksum mismatch")
        .hasMessageContaining("nothing was truncated");

    byte[] last = log.clone();
    last[offsets[3] + 12] ^= 0x40;
    Files.write(logPath, last);
    try (PatchDb db = PatchDb.open(dir)) {
      assertThat(db.sequence()).isEqualTo(3);
    }
  }

  @Test
  void aGarbageSnapshotRefusesToOpenAndIsLeftAlone() throws IOException {
    try (PatchDb db = PatchDb.open(dir)) {
      commit(db, 1);
    }
    Files.write(
        dir.resolve("db.snapshot"),
        "this is not a snapshot at all".getBytes(StandardCharsets.UTF_8));
    assertUnchangedAfterFailedOpen("db.snapshot is corrupt");
    Files.write(dir.resolve("db.snapshot"), new byte[0]);
    assertUnchangedAfterFailedOpen("db.snapshot is corrupt: only 0 bytes left");
  }

  @Test
  void aSnapshotWithAFlippedBitRefusesToOpen() throws IOException {
    try (PatchDb db = PatchDb.open(dir)) {
      commit(db, 1);
    }
    Path snapshot = dir.resolve("db.snapshot");
    byte[] bytes = Files.readAllBytes(snapshot);
    bytes[bytes.length - 2] ^= 1;
    Files.write(snapshot, bytes);
    assertUnchangedAfterFailedOpen("db.snapshot is corrupt: CRC32C checksum mismatch");
  }

  @Test
  void aLogWithoutItsSnapshotRefusesToOpen() throws IOException {
    try (PatchDb db = PatchDb.open(dir)) {
      commit(db, 1);
    }
    Files.delete(dir.resolve("db.snapshot"));
    assertUnchangedAfterFailedOpen("db.snapshot is missing");
  }

  @Test
  void aLogWithAGapInRevisionIdsRefusesToOpen() throws IOException {
    try (PatchDb db = PatchDb.open(dir)) {
      for (int i = 1; i <= 3; i++) {
        commit(db, i);
      }
    }
    Path logPath = dir.resolve("db.log");
    byte[] log = Files.readAllBytes(logPath);
    int[] offsets = recordOffsets(log);
    byte[] gap = new byte[log.length - (offsets[2] - offsets[1])];
    System.arraycopy(log, 0, gap, 0, offsets[1]);
    System.arraycopy(log, offsets[2], gap, offsets[1], log.length - offsets[2]);
    Files.write(logPath, gap);
    assertUnchangedAfterFailedOpen("revision 3 at offset " + offsets[1] + " follows revision 1");
  }

  @Test
  void aDataDirectoryThatIsAFileIsRefused() throws IOException {
    Path file = Files.writeString(dir.resolve("plain-file"), "x");
    assertThatThrownBy(() -> PatchDb.open(file))
        .isInstanceOf(PatchDbException.class)
        .hasMessageContaining(file.toString());
    assertThatThrownBy(() -> PatchDb.open(file.resolve("db")))
        .isInstanceOf(PatchDbException.class)
        .hasMessageContaining("cannot create data directory");
    assertThat(Files.readString(file)).isEqualTo("x");
  }

  @Test
  void anUnwritableDataDirectoryIsRefusedAndLeftAlone() throws Exception {
    try (PatchDb db = PatchDb.open(dir)) {
      commit(db, 1);
    }
    boolean root = "root".equals(System.getProperty("user.name"));
    if (root) {
      // root ignores permission bits; the immutable attribute stops even root
      assumeTrue(run("chattr", "+i", dir.toString()) == 0, "chattr +i is not available here");
    } else {
      assumeTrue(dir.toFile().setWritable(false), "cannot make the directory read-only");
    }
    try {
      Map<String, byte[]> before = contents();
      assertThatThrownBy(() -> PatchDb.open(dir))
          .isInstanceOf(PatchDbException.class)
          .hasMessageContaining("data directory " + dir.toAbsolutePath() + " is not writable");
      assertThat(contents().keySet()).isEqualTo(before.keySet());
    } finally {
      if (root) {
        run("chattr", "-i", dir.toString());
      } else {
        dir.toFile().setWritable(true);
      }
    }
    try (PatchDb db = PatchDb.open(dir)) {
      assertThat(db.sequence()).isEqualTo(1);
    }
  }

  @Test
  void aSecondOpenOfTheSameDirectoryIsRefused() {
    try (PatchDb db = PatchDb.open(dir)) {
      assertThatThrownBy(() -> PatchDb.open(dir))
          .isInstanceOf(PatchDbException.class)
          .hasMessageContaining("already open");
    }
    PatchDb.open(dir).close();
  }

  @Test
  void aLeftoverTemporarySnapshotIsIgnored() throws IOException {
    try (PatchDb db = PatchDb.open(dir)) {
      commit(db, 1);
    }
    Files.write(dir.resolve("db.snapshot.tmp"), new byte[] {1, 2, 3}, StandardOpenOption.CREATE);
    try (PatchDb db = PatchDb.open(dir)) {
      assertThat(db.sequence()).isEqualTo(1);
    }
    assertThat(dir.resolve("db.snapshot.tmp")).doesNotExist();
  }

  private static int run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getInputStream().readAllBytes();
    return process.waitFor();
  }
}
