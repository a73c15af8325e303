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

/** How `start-cli package ...` reads its arguments; nothing here reaches a server. */
class PackageArgsTest {
  @TempDir Path dir;

  private Object parse(String... args) {
    CliEnv env =
        new CliEnv(
            new ByteArrayOutputStream(),
            new PrintWriter(new StringWriter()),
            new PrintWriter(new StringWriter()),
            Map.of("HOME", dir.toString()),
            dir,
            CliEnv.PasswordPrompt.none(),
            false);
    CommandLine.ParseResult parsed = commandLine(env).parseArgs(args);
    CommandLine.ParseResult leaf = parsed;
    while (leaf.hasSubcommand()) {
      leaf = leaf.subcommand();
    }
    return leaf.commandSpec().userObject();
  }

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
  void sideloadTakesTheFileAsTheOptionsValue() {
    PackageInstall install = (PackageInstall) parse("package", "install", "-s", "hello.s9pk");
    assertThat(install.sideload).contains(Path.of("hello.s9pk"));
    assertThat(install.id).isEmpty();
  }

  @Test
  void registryInstallTakesIdAndOptionalVersion() {
    PackageInstall install = (PackageInstall) parse("package", "install", "hello-world", ">=0.1.0");
    assertThat(install.sideload).isEmpty();
    assertThat(install.id).contains("hello-world");
    assertThat(install.version).contains(">=0.1.0");
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
  void logsOptionsFollowTheManPage() {
    PackageLogs logs =
        (PackageLogs)
            parse("package", "logs", "-l", "5", "-c", "42", "-b", "-1", "-B", "hello-world");
    assertThat(logs.id).isEqualTo("hello-world");
    assertThat(logs.limit).contains(5);
    assertThat(logs.cursor).contains("42");
    assertThat(logs.boot).contains("-1");
    assertThat(logs.before).isTrue();
    assertThat(logs.follow).isFalse();
    assertThat(((PackageLogs) parse("package", "logs", "--follow", "x")).follow).isTrue();
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
  void uninstallHasSoftAndForce() {
    PackageCommands.Uninstall u =
        (PackageCommands.Uninstall) parse("package", "uninstall", "--soft", "--force", "x");
    assertThat(u.soft).isTrue();
    assertThat(u.force).isTrue();
    assertThat(u.id).isEqualTo("x");
  }

  @Test
  void aValidIdThatPassesChecksReachesForTheServer() throws Exception {
    CliRun.Result r = run("package", "restart", "hello-world");
    assertThat(r.exitCode()).isEqualTo(ExitCode.UNREACHABLE.code());
  }
}
