package startos.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import startos.cli.main.StartCli;
import startos.cli.remote.PackageCommands;

/** How `start-cli package ...` reads its arguments; nothing here reaches a server. */
class PackageArgsTest {
  @TempDir Path dir;

  // a port nobody listens on: a command that got past its checks fails as unreachable instead
  private CliRun.Result run(String... args) throws Exception {
    return run(
        Files.createDirectories(dir.resolve("home")),
        RemoteArgs.remote(
            "http://127.0.0.1:9", Files.createDirectories(dir.resolve("no-cookie")), args));
  }

  /** start-cli with the package group, whether or not StartCli lists it yet. */
  static CommandLine commandLine(CliEnv env) {
    CommandLine cli = StartCli.commandLine(env);
    if (!cli.getSubcommands().containsKey("package")) {
      cli.addSubcommand(PackageCommands.class);
    }
    return cli;
  }

  /** Like {@link CliRun#run}: in-process, private HOME, captured output, no terminal. */
  static CliRun.Result run(Path home, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    CliEnv env =
        new CliEnv(
            out,
            new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true),
            new PrintWriter(err, true),
            Map.of("HOME", home.toString()),
            home,
            CliEnv.PasswordPrompt.none(),
            false);
    int code = commandLine(env).execute(args);
    return new CliRun.Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(), out.toByteArray());
  }

  @Test
  void sideloadAndAnIdTogetherAreAUsageError() throws Exception {
    CliRun.Result r = run("package", "install", "-s", "hello.s9pk", "hello-world");
    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.err()).contains("either --sideload FILE or ID [VERSION], not both");
  }

  @Test
  void installWithoutAnythingSaysWhatToGive() throws Exception {
    CliRun.Result r = run("package", "install");
    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.err()).contains("give a package ID, or --sideload FILE");
  }

  @Test
  void aMalformedPackageIdIsRefusedBeforeAnyCall() throws Exception {
    CliRun.Result r = run("package", "start", "Hello_World");
    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.err()).contains("\"Hello_World\" is not a package id");
  }

  @Test
  void followingWithACursorIsAUsageError() throws Exception {
    CliRun.Result r = run("package", "logs", "-f", "-c", "3", "hello-world");
    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.err()).contains("drop them with --follow");
  }

  @Test
  void aZeroLimitIsAUsageError() throws Exception {
    CliRun.Result r = run("package", "logs", "-l", "0", "hello-world");
    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.err()).contains("--limit must be a positive number");
  }

  @Test
  void aValidIdThatPassesChecksReachesForTheServer() throws Exception {
    CliRun.Result r = run("package", "restart", "hello-world");
    assertThat(r.exitCode()).isEqualTo(ExitCode.UNREACHABLE.code());
  }
}
