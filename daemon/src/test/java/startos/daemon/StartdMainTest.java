package startos.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

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
}
