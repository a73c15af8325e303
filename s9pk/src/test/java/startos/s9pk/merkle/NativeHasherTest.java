package startos.s9pk.merkle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The native b3range tool: same hashes as the Java reference, on any range of a real file. */
class NativeHasherTest {
  private static Hasher tool;

  @BeforeAll
  static void toolIsBuilt() {
    tool =
        Hasher.nativeRange()
            .orElseThrow(() ->
                new AssertionError(
                    "b3range is not built: run scripts/setup-host.sh (make -C b3range)"));
  }

  @Test
  void agreesWithJavaOnRangesAtChunkAndSegmentBoundaries(@TempDir Path dir) throws Exception {
    byte[] data = new byte[(37 << 20) + 333];
    new Random(5).nextBytes(data);
    Path file = dir.resolve("data");
    Files.write(file, data);
    long[][] ranges = {
      {0, 0},
      {0, 1},
      {7, 1024},
      {4095, 1025},
      {4096, 8 * 1024},
      {1, 8 * 1024 + 1},
      {100, (1 << 20) - 1},
      {12345, 16 << 20},
      {3, (16 << 20) + 1024 * 9 + 5},
      {0, data.length},
      {data.length - 1, 1},
      {data.length, 0}
    };
    try (ByteSource src = ByteSource.open(file)) {
      for (long[] r : ranges) {
        assertThat(tool.hash(src, r[0], r[1]))
            .as("offset %d length %d", r[0], r[1])
            .isEqualTo(Hasher.sequential().hash(ByteSource.of(data), r[0], r[1]));
      }
      ByteSource slice = src.slice(1000, data.length - 1000);
      assertThat(Hasher.best().hash(slice, 24, 5 << 20))
          .as("a slice of a file, through the default hasher")
          .isEqualTo(Hasher.sequential().hash(ByteSource.of(data), 1024, 5 << 20));
    }
  }

  @Test
  void aRangePastTheEndIsAClearError(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("short");
    Files.write(file, new byte[5000]);
    try (ByteSource src = ByteSource.open(file)) {
      assertThatThrownBy(() -> tool.hash(src, 4000, 2000))
          .isInstanceOf(S9pkException.class)
          .hasMessageContaining("extend past the end");
    }
  }

  @Test
  void aFileReplacedAfterOpeningIsNotTakenForTheOriginal(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("archive");
    Files.write(file, new byte[3 << 20]);
    Path other = dir.resolve("other");
    Files.write(other, new byte[3 << 20]);
    try (ByteSource src = ByteSource.open(file)) {
      Files.move(other, file, StandardCopyOption.REPLACE_EXISTING);
      assertThatThrownBy(() -> tool.hash(src, 0, 2 << 20))
          .isInstanceOf(S9pkException.class)
          .hasMessageContaining("was replaced by another file");
    }
  }

  @Test
  void memorySourcesStayInJava() {
    byte[] data = new byte[3 << 20];
    new Random(9).nextBytes(data);
    ByteSource mem = ByteSource.of(data);
    assertThat(mem.fileSpan()).isEmpty();
    assertThat(Hasher.best().hash(mem, 1, data.length - 1))
        .isEqualTo(Hasher.sequential().hash(mem, 1, data.length - 1));
  }
}
