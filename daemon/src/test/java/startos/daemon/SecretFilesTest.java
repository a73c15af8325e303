package startos.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import startos.patchdb.PatchDb;

/** Another user of the machine reads the data dir: secrets must be closed to it. */
class SecretFilesTest {
  @TempDir Path root;

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(
        Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void theDatabaseTheCliCookieAndLogsAreClosedToOtherUsersButTheDataDirStaysSearchable()
      throws IOException {
    Path data = Files.createDirectory(root.resolve("data"));
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (RunningDaemon daemon = RunningDaemon.start(data).completeSetup()) {
      daemon.login();
      assertThat(mode(data.resolve("db"))).isEqualTo("rwx------");
      try (Stream<Path> files = Files.list(data.resolve("db"))) {
        for (Path file : files.toList()) {
          assertThat(mode(file)).as(file.toString()).isEqualTo("rw-------");
        }
      }
      assertThat(mode(data.resolve("rpc.authcookie"))).isEqualTo("rw-------");
      assertThat(mode(data.resolve("logs"))).isEqualTo("rwx------");
      // the containers' root (an unprivileged host uid) must still reach lxc/ below it
      assertThat(Files.getPosixFilePermissions(data)).contains(PosixFilePermission.OTHERS_EXECUTE);
    }
  }

  @Test
  void aDatabaseAnOlderVersionLeftWorldReadableIsClosedAtStart() throws IOException {
    Path data = root.resolve("data");
    try (PatchDb db = PatchDb.open(data.resolve("db"))) {
      db.mutate(r -> r.putObject("private").put("password", "$argon2id$old"));
    }
    Files.setPosixFilePermissions(data.resolve("db"), PosixFilePermissions.fromString("rwxr-xr-x"));
    List<Path> files;
    try (Stream<Path> list = Files.list(data.resolve("db"))) {
      files = list.toList();
    }
    for (Path file : files) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    }
    try (RunningDaemon daemon = RunningDaemon.start(data)) {
      assertThat(mode(data.resolve("db"))).isEqualTo("rwx------");
      for (Path file : files) {
        assertThat(mode(file)).as(file.toString()).isEqualTo("rw-------");
      }
    }
  }
}
