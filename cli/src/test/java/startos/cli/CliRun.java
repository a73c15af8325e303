package startos.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import startos.cli.main.StartCli;

/** Runs start-cli in-process with a private HOME and captured output. */
final class CliRun {
  private final Path home;
  private final Map<String, String> env = new HashMap<>();

  CliRun(Path home) {
    this.home = home;
    env.put("HOME", home.toString());
  }

  CliRun env(String name, String value) {
    env.put(name, value);
    return this;
  }

  CliRun without(String name) {
    env.remove(name);
    return this;
  }

  Path home() {
    return home;
  }

  Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    CliEnv cliEnv =
        new CliEnv(
            out,
            new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true),
            new PrintWriter(err, true),
            env,
            home,
            CliEnv.PasswordPrompt.none(),
            false);
    int code = StartCli.run(cliEnv, args);
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(), out.toByteArray());
  }

  record Result(int exitCode, String out, String err, byte[] bytes) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
  }
}
