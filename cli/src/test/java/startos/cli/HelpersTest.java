package startos.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HelpersTest {
  @Test
  void localCookieIsOnlyForLoopbackHosts() {
    assertThat(LocalAuth.isLoopback(URI.create("http://127.0.0.1:8080"))).isTrue();
    assertThat(LocalAuth.isLoopback(URI.create("http://localhost"))).isTrue();
    assertThat(LocalAuth.isLoopback(URI.create("http://[::1]:8080"))).isTrue();
    assertThat(LocalAuth.isLoopback(URI.create("http://192.168.1.5"))).isFalse();
    assertThat(LocalAuth.isLoopback(URI.create("https://my-box.local"))).isFalse();
  }

  @Test
  void explicitDataDirIsTheOnlyCookieCandidate() {
    CliEnv env =
        new CliEnv(
            System.out,
            new PrintWriter(new StringWriter()),
            new PrintWriter(new StringWriter()),
            Map.of("STARTOS_DATA_DIR", "/elsewhere"),
            Path.of("/work/x"),
            CliEnv.PasswordPrompt.none(),
            false);
    assertThat(LocalAuth.candidates(Optional.of(Path.of("/d")), env))
        .containsExactly(Path.of("/d/rpc.authcookie"));
    assertThat(LocalAuth.candidates(Optional.empty(), env))
        .startsWith(
            Path.of("/elsewhere/rpc.authcookie"),
            Path.of("/run/startos/rpc.authcookie"),
            Path.of("/var/lib/startos/rpc.authcookie"))
        .contains(
            Path.of("/work/x/.dev-data/rpc.authcookie"), Path.of("/work/.dev-data/rpc.authcookie"));
  }

  @Test
  void sessionsAreKeptPerOrigin(@org.junit.jupiter.api.io.TempDir Path dir) {
    SessionStore store = new SessionStore(dir.resolve("c/.cookies.json"));
    store.save(URI.create("http://127.0.0.1:8080/"), "tok");
    assertThat(store.session(URI.create("http://127.0.0.1:8080"))).contains("tok");
    assertThat(store.session(URI.create("http://127.0.0.1:9090"))).isEmpty();
    assertThat(store.forget(URI.create("http://127.0.0.1:8080"))).isTrue();
    assertThat(store.session(URI.create("http://127.0.0.1:8080"))).isEmpty();
  }
}
