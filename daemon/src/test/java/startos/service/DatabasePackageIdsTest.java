package startos.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import startos.daemon.RunningDaemon;
import startos.patchdb.PatchDb;

/** The database is not trusted to hold only package ids: its keys must never become paths. */
class DatabasePackageIdsTest {
  @TempDir Path root;

  @Test
  void aPackageEntryWhoseKeyClimbsOutOfTheDataDirIsSkippedAndNothingOutsideIsDeleted()
      throws IOException {
    Path victim = Files.createDirectories(root.resolve("victim"));
    Files.writeString(victim.resolve("keep.txt"), "precious");
    Path data = root.resolve("data");
    try (PatchDb db = PatchDb.open(data.resolve("db"))) {
      db.mutate(r -> {
        ObjectNode entry = r.putObject("public").putObject("packageData").putObject("../../victim");
        // an unfinished install: startd would remove its leftovers at start
        entry.putObject("stateInfo").put("state", "installing");
        return null;
      });
    }
    try (RunningDaemon daemon = RunningDaemon.start(data)) {
      daemon.startd().services().startAll();
      assertThat(victim.resolve("keep.txt")).hasContent("precious");
      assertThat(daemon.call("state", "{}").get("result").asText()).isEqualTo("running");
    }
  }

  @Test
  void aLayoutIsNeverMadeForSomethingThatIsNotAPackageId() {
    for (String bad : new String[] {"../x", "..", "a/b", "", "UPPER", "x-"}) {
      assertThatThrownBy(() -> PackageLayout.of(Path.of("/data"), bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is not a package id");
    }
    assertThat(PackageLayout.of(Path.of("/data"), "hello-world").dir())
        .isEqualTo(Path.of("/data/packages/hello-world"));
  }
}
