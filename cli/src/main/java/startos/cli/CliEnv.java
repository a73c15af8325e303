package startos.cli;

import java.io.Console;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the CLI may touch of the outside world: its output (text through {@code out}; raw bytes,
 * e.g. {@code s9pk inspect cat}, to {@code stdout} after flushing {@code out}), environment
 * variables, working directory, a way to ask for a password, and whether a person watches a
 * terminal (progress lines redraw in place then). Tests pass their own to run commands in-process.
 */
public record CliEnv(
    OutputStream stdout,
    PrintWriter out,
    PrintWriter err,
    Map<String, String> env,
    Path cwd,
    PasswordPrompt prompt,
    boolean terminal) {

  public CliEnv {
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(err, "err");
    env = Map.copyOf(env);
    Objects.requireNonNull(cwd, "cwd");
    Objects.requireNonNull(prompt, "prompt");
  }

  /** The real process: System streams, the process environment, the console. */
  public static CliEnv system() {
    return new CliEnv(
        System.out,
        new PrintWriter(System.out, true, System.out.charset()),
        new PrintWriter(System.err, true, System.err.charset()),
        System.getenv(),
        Path.of("").toAbsolutePath(),
        PasswordPrompt.console(),
        interactive());
  }

  // JDK 22+ may hand out a Console when output is redirected; isTerminal() (22+) tells them apart
  @SuppressWarnings("SystemConsoleNull") // the null check is for JDK 21; isTerminal covers 22+
  private static boolean interactive() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException e) {
      return true; // JDK 21: a Console exists only on a terminal
    }
  }

  public Optional<String> variable(String name) {
    return Optional.ofNullable(env.get(name)).filter(v -> !v.isEmpty());
  }

  /** The user's home: {@code HOME}, else the JVM's idea of it. */
  public Path home() {
    return variable("HOME").map(Path::of).orElseGet(() -> Path.of(System.getProperty("user.home")));
  }

  /** Reads a secret without echo. */
  @FunctionalInterface
  public interface PasswordPrompt {
    /** Returns the typed text, or empty when there is no terminal to ask on. */
    Optional<String> read(String label);

    static PasswordPrompt console() {
      return label -> {
        if (!interactive()) {
          return Optional.empty();
        }
        Console console = System.console();
        char[] typed = console.readPassword("%s", label);
        return typed == null ? Optional.empty() : Optional.of(new String(typed));
      };
    }

    static PasswordPrompt none() {
      return label -> Optional.empty();
    }
  }
}
