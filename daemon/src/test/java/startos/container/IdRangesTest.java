package startos.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdRangesTest {
  @TempDir Path tmp;

  @Test
  void eachPackageGetsItsOwnRangeAndKeepsItAcrossARestart() {
    Path file = tmp.resolve("id-ranges.properties");
    IdRanges ranges = new IdRanges(file, IdRanges.DEFAULT_BASE, List.of());
    long a = ranges.allocate("alpha");
    long b = ranges.allocate("beta");
    assertThat(a).isEqualTo(0x7000_0000L);
    assertThat(b).isEqualTo(a + IdRanges.SIZE);
    assertThat(ranges.allocate("alpha")).isEqualTo(a);

    IdRanges restarted = new IdRanges(file, IdRanges.DEFAULT_BASE, List.of());
    assertThat(restarted.lookup("alpha")).contains(a);
    assertThat(restarted.lookup("beta")).contains(b);
    assertThat(restarted.allocate("gamma")).isEqualTo(b + IdRanges.SIZE);
  }

  @Test
  void aRangeOfARealUsersSubuidsIsNeverHandedOut() throws Exception {
    Path subuid =
        Files.writeString(tmp.resolve("subuid"), "root:100000:65536\nalice:1879080000:10\n");
    List<long[]> listed = IdRanges.readSubIds(subuid);
    assertThat(listed).hasSize(2);
    IdRanges ranges =
        new IdRanges(tmp.resolve("r.properties"), IdRanges.DEFAULT_BASE, List.of(listed.get(1)));
    // alice's 1879080000..1879080009 lies in the first slot (0x70000000 = 1879048192 + 65536)
    assertThat(ranges.allocate("alpha")).isEqualTo(0x7000_0000L + IdRanges.SIZE);
  }

  @Test
  void aReleasedRangeIsReused() {
    IdRanges ranges = new IdRanges(tmp.resolve("r.properties"), IdRanges.DEFAULT_BASE, List.of());
    long a = ranges.allocate("alpha");
    ranges.release("alpha");
    assertThat(ranges.lookup("alpha")).isEmpty();
    assertThat(ranges.allocate("beta")).isEqualTo(a);
  }

  @Test
  void aTamperedFileIsAClearError() throws Exception {
    Path file = Files.writeString(tmp.resolve("r.properties"), "alpha=100000\n");
    assertThatThrownBy(() -> new IdRanges(file, IdRanges.DEFAULT_BASE, List.of()))
        .isInstanceOf(ContainerException.class)
        .hasMessageContaining("gives alpha the range start '100000'");
  }
}
