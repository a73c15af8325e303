package startos.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HelpersTest {
  private static ObjectNode manifest() throws Exception {
    return (ObjectNode)
        RpcClient.JSON.readTree("{\"title\":\"A\",\"images\":{\"main\":{\"arch\":[\"x86_64\"]}}}");
  }

  @Test
  void jqStyleAssignmentsSetNestedFields() throws Exception {
    ObjectNode out =
        ManifestEdit.apply(
            manifest(), ".title = \"B\" | .images.main.arch = [\"x86_64\", \"aarch64\"]");
    assertThat(Output.compact(out))
        .isEqualTo("{\"title\":\"B\",\"images\":{\"main\":{\"arch\":[\"x86_64\",\"aarch64\"]}}}");
  }

  @Test
  void jsonPatchEditsAndTestFailureLeavesInputAlone() throws Exception {
    ObjectNode in = manifest();
    ObjectNode out =
        ManifestEdit.apply(
            in, "[{\"op\":\"add\",\"path\":\"/images/main/arch/-\",\"value\":\"riscv64\"}]");
    assertThat(out.path("images").path("main").path("arch")).hasSize(2);
    assertThatThrownBy(
            () -> ManifestEdit.apply(in, "[{\"op\":\"test\",\"path\":\"/title\",\"value\":\"Z\"}]"))
        .hasMessageContaining("JSON Patch test at /title failed");
    assertThat(in.path("title").asText()).isEqualTo("A");
  }

  @Test
  void unknownExpressionFormIsExplained() {
    assertThatThrownBy(() -> ManifestEdit.apply(manifest(), "del(.title)"))
        .hasMessageContaining("use a JSON Patch array or `.field.sub = <json>`");
  }

  @Test
  void progressRendersPercentAndMebibytes() {
    assertThat(ProgressLine.render("Writing", 512L * 1024, 1024L * 1024))
        .isEqualTo("Writing:  50% (0.5/1.0 MiB)");
    StringWriter w = new StringWriter();
    ProgressLine plain = new ProgressLine(new PrintWriter(w), false);
    plain.phase("Packing javascript");
    plain.bytes(1, 2);
    plain.done("packed");
    assertThat(w.toString()).isEqualTo("Packing javascript...\npacked\n");
  }

  @Test
  void onATerminalProgressRedrawsOneLine() {
    StringWriter w = new StringWriter();
    ProgressLine tty = new ProgressLine(new PrintWriter(w), true);
    tty.phase("Writing");
    tty.bytes(1024L * 1024, 1024L * 1024);
    tty.done("packed");
    assertThat(w.toString())
        .isEqualTo("\rWriting...\r\033[KWriting: 100% (1.0/1.0 MiB)" + "\npacked\n");
  }

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

  @Test
  void imageSpecNeedsIdAndPath() {
    assertThat(PackOptions.parseImage("main@x86_64=/a/b"))
        .isEqualTo(Map.entry("main@x86_64", Path.of("/a/b")));
    assertThatThrownBy(() -> PackOptions.parseImage("main")).hasMessageContaining("IMAGE_ID=PATH");
  }
}
