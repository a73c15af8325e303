package startos.cli.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import startos.cli.CliEnv;
import startos.cli.main.StartCli;

/** Which options `start-cli package ...` parses into; nothing here runs a command. */
class PackageOptionsTest {
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
    CommandLine.ParseResult parsed = StartCli.commandLine(env).parseArgs(args);
    CommandLine.ParseResult leaf = parsed;
    while (leaf.hasSubcommand()) {
      leaf = leaf.subcommand();
    }
    return leaf.commandSpec().userObject();
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
  void uninstallHasSoftAndForce() {
    PackageCommands.Uninstall u =
        (PackageCommands.Uninstall) parse("package", "uninstall", "--soft", "--force", "x");
    assertThat(u.soft).isTrue();
    assertThat(u.force).isTrue();
    assertThat(u.id).isEqualTo("x");
  }
}
