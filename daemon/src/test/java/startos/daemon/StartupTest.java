package startos.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartupTest {
  @TempDir Path tmp;

  /** Every file under a directory with its bytes, to prove nothing was touched. */
  private static Map<String, String> snapshot(Path dir) throws IOException {
    Map<String, String> files = new TreeMap<>();
    if (!Files.exists(dir)) {
      return files;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        files.put(
            dir.relativize(p).toString(),
            java.util.HexFormat.of().formatHex(Files.readAllBytes(p))
                + "@"
                + Files.getLastModifiedTime(p).toMillis());
      }
    }
    return files;
  }

  @Test
  void aDataDirThatIsAFileIsAClearError() throws Exception {
    Path file = Files.writeString(tmp.resolve("not-a-dir"), "keep me");
    assertThatThrownBy(() -> Startd.start(RunningDaemon.config(file)))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("exists but is not a directory");
    assertThat(Files.readString(file)).isEqualTo("keep me");
  }

  @Test
  void aDataDirThatCannotBeCreatedIsAClearError() throws Exception {
    Path file = Files.writeString(tmp.resolve("plain-file"), "x");
    assertThatThrownBy(() -> Startd.start(RunningDaemon.config(file.resolve("data"))))
        .isInstanceOf(StartupException.class)
        .hasMessageStartingWith("cannot create the data directory");
  }

  @Test
  void anUnwritableDataDirIsAClearError() {
    // /proc/1 exists and is a directory no one can create files in, root included
    assertThatThrownBy(() -> Startd.start(RunningDaemon.config(Path.of("/proc/1"))))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("is not writable");
  }

  @Test
  void aPortInUseIsAClearErrorAndLeavesTheDataDirAlone() throws Exception {
    Path data = tmp.resolve("data");
    try (RunningDaemon first = RunningDaemon.start(data)) {
      first.completeSetup();
    }
    Map<String, String> before = snapshot(data);
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(
              () -> Startd.start(RunningDaemon.config(data).withPort(taken.getLocalPort())))
          .isInstanceOf(StartupException.class)
          .hasMessage(
              "cannot listen on 127.0.0.1:%d: the port is already in use"
                  .formatted(taken.getLocalPort()));
    }
    assertThat(snapshot(data)).isEqualTo(before);
  }

  @Test
  void aCorruptDatabaseIsAClearErrorAndNothingIsOverwritten() throws Exception {
    Path data = tmp.resolve("data");
    try (RunningDaemon first = RunningDaemon.start(data)) {
      first.completeSetup();
    }
    try (Stream<Path> walk = Files.walk(data.resolve("db"))) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        Files.write(p, "garbage, not a database \u0000\u0001\u0002".getBytes());
      }
    }
    Map<String, String> before = snapshot(data);
    assertThatThrownBy(() -> Startd.start(RunningDaemon.config(data)))
        .isInstanceOf(StartupException.class)
        .hasMessageStartingWith("cannot open the database in " + data.resolve("db"))
        .hasMessageContaining("nothing was changed");
    assertThat(snapshot(data)).isEqualTo(before);
  }

  @Test
  void dataSurvivesARestart() {
    Path data = tmp.resolve("data");
    try (RunningDaemon first = RunningDaemon.start(data)) {
      first.completeSetup();
      first.call(
          "db.put.ui",
          "{\"pointer\":\"/theme\",\"value\":\"dark\"}",
          java.util.Optional.of(first.login()));
    }
    try (RunningDaemon second = RunningDaemon.start(data)) {
      assertThat(second.startd().db().get("/public/ui/theme").orElseThrow().asText())
          .isEqualTo("dark");
    }
  }
}
