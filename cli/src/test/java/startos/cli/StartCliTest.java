package startos.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartCliTest {
  @TempDir Path home;

  private CliRun cli() {
    return new CliRun(home);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void helpListsTheStartOsCommandGroupsAndExitCodes() {
    var r = cli().run("--help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out())
        .contains("-H, --host", "--cookie-path", "--developer-key-path", "-c, --config")
        .contains("auth", "db", "echo", "notification", "server", "setup", "state")
        .contains("Exit codes:", "3  cannot reach startd", "4  not logged in");
  }

  @Test
  void closedPortIsReportedAsUnreachableWithTheUrl() throws IOException {
    int port = freePort();
    var r = cli().run("-H", "http://127.0.0.1:" + port, "echo", "hi");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.UNREACHABLE.code());
    assertThat(r.err())
        .isEqualTo(
            "error: cannot reach startd at http://127.0.0.1:" + port + ": connection refused\n");
  }

  @Test
  void hostWithoutSchemeDefaultsToHttp() throws IOException {
    int port = freePort();
    var r = cli().run("--host", "127.0.0.1:" + port, "state");
    assertThat(r.err()).contains("cannot reach startd at http://127.0.0.1:" + port);
  }

  @Test
  void nonHttpHostIsAUsageError() {
    var r = cli().run("-H", "ftp://example.com", "state");
    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.err()).contains("must be an http:// or https:// URL");
  }

  @Test
  void hostComesFromTheUserConfigFileWhenNotGiven() throws IOException {
    int port = freePort();
    Files.createDirectories(home.resolve(".startos"));
    Files.writeString(
        home.resolve(".startos/config.yaml"),
        "# my box\nhost: \"http://127.0.0.1:" + port + "\"\n");
    var r = cli().run("state");
    assertThat(r.err()).contains("cannot reach startd at http://127.0.0.1:" + port);
  }

  @Test
  void explicitConfigFileWinsOverTheUserOne() throws IOException {
    Files.createDirectories(home.resolve(".startos"));
    Files.writeString(home.resolve(".startos/config.yaml"), "host: http://127.0.0.1:1\n");
    Path mine = home.resolve("mine.json");
    Files.writeString(mine, "{\"host\": \"http://127.0.0.1:2\"}");
    var r = cli().run("-c", mine.toString(), "state");
    assertThat(r.err()).contains("http://127.0.0.1:2");
  }

  @Test
  void missingConfigFileIsNamed() {
    var r = cli().run("-c", home.resolve("nope.yaml").toString(), "state");
    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.err()).contains("config file", "nope.yaml", "does not exist");
  }

  @Test
  void loginWithoutTerminalOrPasswordVariableSaysHowToProvideIt() {
    var r = cli().without("PASSWORD").run("-H", "http://127.0.0.1:1", "auth", "login");
    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.err()).contains("set the PASSWORD environment variable");
  }

  @Test
  void dbPutUiRejectsValuesThatAreNotJsonBeforeContactingTheServer() {
    var r = cli().run("-H", "http://127.0.0.1:1", "db", "put", "ui", "/theme", "dark");
    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.err()).contains("VALUE is not valid JSON", "'\"dark\"'");
  }

  @Test
  void dbPutUiRejectsPointersWithoutLeadingSlash() {
    var r = cli().run("-H", "http://127.0.0.1:1", "db", "put", "ui", "theme", "\"dark\"");
    assertThat(r.err()).contains("is not a JSON pointer");
  }

  @Test
  void dbApplyRequiresAJsonPatchArray() {
    var r = cli().run("-H", "http://127.0.0.1:1", "db", "apply", "{\"op\":\"add\"}");
    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.err()).contains("EXPR must be a JSON Patch array");
  }

  @Test
  void notificationLevelIsChecked() {
    var r = cli().run("-H", "http://127.0.0.1:1", "notification", "create", "loud", "t", "m");
    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.err()).contains("LEVEL \"loud\" is not one of success, info, warning, error");
  }

  @Test
  void notificationIdsMustBeNumbers() {
    var r = cli().run("notification", "remove", "seven");
    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.err()).contains("seven");
  }

  @Test
  void setHostnameNeedsSomething() {
    var r = cli().run("-H", "http://127.0.0.1:1", "server", "set-hostname");
    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.err()).contains("give a NAME, a HOSTNAME or both");
  }

  @Test
  void unknownCommandIsAUsageError() {
    var r = cli().run("frobnicate");
    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.err()).contains("frobnicate");
  }

  @Test
  void formatOptionIsAcceptedAfterTheSubcommandToo() {
    var r = cli().run("-H", "http://127.0.0.1:1", "auth", "session", "list", "--format", "json");
    assertThat(r.exitCode()).isEqualTo(ExitCode.UNREACHABLE.code());
  }

  @Test
  void tablesPadColumnsAndSayNoneWhenEmpty() {
    assertThat(
            Output.Table.render(
                List.of("ID", "TITLE"), List.of(List.of("1", "hello"), List.of("22", "x"))))
        .isEqualTo("ID  TITLE\n1   hello\n22  x");
    assertThat(Output.Table.render(List.of("ID"), List.of())).isEqualTo("ID\n(none)");
  }

  @Test
  void rpcErrorsReadAsMeaningCodeAndDetails() {
    var f =
        RpcFailure.of(
            RpcClient.JSON
                .createObjectNode()
                .put("code", 6)
                .put("message", "Not Found")
                .set(
                    "data", RpcClient.JSON.createObjectNode().put("details", "no notification 7")));
    assertThat(f.describe()).isEqualTo("Not Found (error 6): no notification 7");
    assertThat(RpcFailure.of(RpcClient.JSON.createObjectNode().put("code", 37)).describe())
        .isEqualTo("Rate Limited (error 37)");
  }

  @Test
  void setupExecuteNeverTakesThePasswordAsAnArgument() {
    var r =
        cli()
            .without("PASSWORD")
            .run("-H", "http://127.0.0.1:1", "setup", "execute", "--name", "x");
    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.err()).contains("set the PASSWORD environment variable");
  }

  @Test
  void unknownFormatListsTheChoices() {
    var r = cli().run("--format", "xml", "state");
    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.err()).contains("json", "table");
  }
}
