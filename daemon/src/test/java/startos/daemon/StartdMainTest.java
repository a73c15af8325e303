package startos.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import startos.container.HostNamespace;
import startos.container.Subnet;

class StartdMainTest {
  @TempDir Path tmp;

  private static Config parse(String... args) {
    StartdMain main = new StartdMain();
    new CommandLine(main).parseArgs(args);
    return main.config();
  }

  @Test
  void defaultsAreVarLibStartosOnLoopback8080() {
    Config config = parse();
    assertThat(config.dataDir()).isEqualTo(Path.of("/var/lib/startos"));
    assertThat(config.host()).isEqualTo("127.0.0.1");
    assertThat(config.port()).isEqualTo(8080);
  }

  @Test
  void aPropertiesConfigFileIsReadAndFlagsOverrideIt() throws Exception {
    Path file =
        Files.writeString(
            tmp.resolve("startd.conf"),
            "# test\ndata-dir = /srv/startos\nlisten = \"0.0.0.0:9000\"\n");
    Config fromFile = parse("--config", file.toString());
    assertThat(fromFile.dataDir()).isEqualTo(Path.of("/srv/startos"));
    assertThat(fromFile.host()).isEqualTo("0.0.0.0");
    assertThat(fromFile.port()).isEqualTo(9000);
    Config overridden = parse("--config", file.toString(), "--listen", "127.0.0.1:7000");
    assertThat(overridden.port()).isEqualTo(7000);
    assertThat(overridden.dataDir()).isEqualTo(Path.of("/srv/startos"));
  }

  @Test
  void theServiceMemoryCapComesFromTheConfigFileOrTheFlagAndDefaultsToTheMachinesRam()
      throws Exception {
    assertThat(parse().serviceMemoryLimit()).isEmpty();
    Path file = Files.writeString(tmp.resolve("mem.conf"), "service-memory-limit = 2G\n");
    assertThat(parse("--config", file.toString()).serviceMemoryLimit()).contains(2L << 30);
    assertThat(
            parse("--config", file.toString(), "--service-memory-limit", "768MiB")
                .serviceMemoryLimit())
        .contains(768L << 20);
    assertThat(parse("--service-memory-limit", "none").serviceMemoryLimit()).contains(0L);
    assertThatThrownBy(() -> parse("--service-memory-limit", "lots"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("memory size 'lots'");
    assertThatThrownBy(() -> parse("--service-memory-limit", "1M"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("too small");
  }

  @Test
  void aJsonConfigFileIsRead() throws Exception {
    Path file = Files.writeString(tmp.resolve("startd.json"), "{\"listen\": \"[::1]:8443\"}");
    Config config = parse("--config", file.toString());
    assertThat(config.host()).isEqualTo("::1");
    assertThat(config.port()).isEqualTo(8443);
  }

  @Test
  void badConfigIsASpecificError() throws Exception {
    Path typo = Files.writeString(tmp.resolve("typo.conf"), "lisen = 1.2.3.4:5\n");
    assertThatThrownBy(() -> parse("--config", typo.toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown key 'lisen'");
    Path broken = Files.writeString(tmp.resolve("broken.json"), "{\"listen\": ");
    assertThatThrownBy(() -> parse("--config", broken.toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> parse("--listen", "localhost"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("must be HOST:PORT");
    assertThatThrownBy(() -> parse("--listen", "127.0.0.1:99999"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("out of range");
    assertThatThrownBy(() -> parse("--config", tmp.resolve("missing.conf").toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cannot read config file");
  }

  @Test
  void startupFailureExitsNonZero() throws Exception {
    Path file = Files.writeString(tmp.resolve("file"), "x");
    int code =
        new CommandLine(new StartdMain())
            .execute("--data-dir", file.toString(), "--listen", "127.0.0.1:0");
    assertThat(code).isEqualTo(1);
  }

  @Test
  void theContainersNamesComeFromTheConfigFileOrTheFlags() throws Exception {
    assertThat(parse().containers()).isEqualTo(HostNamespace.DEFAULT);
    Path file =
        Files.writeString(
            tmp.resolve("names.conf"),
            "bridge = devbr0\nsubnet = 10.77.0.1/24\nnft-table = startos_dev\n"
                + "cgroup-prefix = startos-dev\n");
    HostNamespace fromFile = parse("--config", file.toString()).containers();
    assertThat(fromFile)
        .isEqualTo(
            new HostNamespace(
                "devbr0", Subnet.parse("10.77.0.1/24"), "startos_dev", "startos-dev"));
    assertThat(parse("--config", file.toString(), "--bridge", "otherbr0").containers().bridge())
        .isEqualTo("otherbr0");
    assertThatThrownBy(() -> parse("--nft-table", "no-dashes"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("nft table name 'no-dashes'");
    assertThatThrownBy(() -> parse("--subnet", "10.0.0.1"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("is not an IPv4 address with a prefix");
  }

  /**
   * A real second startd process holds the names: this one refuses, names that process's pid, and
   * leaves its data dir as it was.
   */
  @Test
  void aStartdOnNamesAnotherStartdProcessHoldsIsRefusedWithThatProcesssPid() throws Exception {
    HostNamespace names =
        new HostNamespace("sttestd9", Subnet.parse("10.214.9.1/24"), "startos_testd9", "st-testd9");
    Path otherData = Files.createDirectories(tmp.resolve("other"));
    Process other =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                StartdMain.class.getName(),
                "--data-dir",
                otherData.toString(),
                "--listen",
                "127.0.0.1:0",
                "--bridge",
                names.bridge(),
                "--subnet",
                "10.214.9.1/24",
                "--nft-table",
                names.nftTable(),
                "--cgroup-prefix",
                names.cgroupPrefix())
            .redirectErrorStream(true)
            .start();
    // an aborted run must not leave it holding the names
    Thread reaper =
        new Thread(
            () -> {
              other.destroy();
              try {
                if (!other.waitFor(30, TimeUnit.SECONDS)) {
                  other.destroyForcibly();
                }
              } catch (InterruptedException e) {
                other.destroyForcibly();
              }
            },
            "stop-other-startd");
    Runtime.getRuntime().addShutdownHook(reaper);
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
      String line;
      StringBuilder seen = new StringBuilder();
      while ((line = out.readLine()) != null && !line.startsWith("startd is running")) {
        seen.append(line).append('\n');
      }
      assertThat(line).as("the other startd started: " + seen).isNotNull();

      Path data = tmp.resolve("data");
      assertThatThrownBy(() -> Startd.start(Config.of(data, "127.0.0.1:0").withContainers(names)))
          .isInstanceOf(StartupException.class)
          .hasMessageStartingWith(
              "another startd (pid "
                  + other.pid()
                  + ") already runs the containers on bridge sttestd9");
      assertThat(data.resolve("db")).doesNotExist();
    } finally {
      other.destroy();
      other.waitFor(30, TimeUnit.SECONDS);
      other.destroyForcibly();
      Runtime.getRuntime().removeShutdownHook(reaper);
    }
    // the names are free again once the holder is gone
    try (RunningDaemon next =
        RunningDaemon.start(Config.of(tmp.resolve("next"), "127.0.0.1:0").withContainers(names))) {
      assertThat(next.startd().config().containers()).isEqualTo(names);
    }
  }
}
