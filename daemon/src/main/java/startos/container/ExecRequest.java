package startos.container;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A command to run inside a running container with {@code lxc-attach}.
 *
 * @param command program and arguments
 * @param env variables added to the container's own environment (these win)
 * @param stdin text fed to the command's standard input ("" for none)
 * @param timeout the command is killed after this long
 */
public record ExecRequest(
    List<String> command, Map<String, String> env, String stdin, Duration timeout) {
  private static final Pattern ENV_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  public ExecRequest {
    command = List.copyOf(command);
    if (command.isEmpty()) {
      throw new ContainerException("exec needs a command");
    }
    env = Map.copyOf(env);
    for (String key : env.keySet()) {
      if (!ENV_KEY.matcher(key).matches()) {
        throw new ContainerException("environment variable name '" + key + "' is not valid");
      }
    }
    if (stdin == null) {
      throw new ContainerException("stdin must not be null; use \"\" for none");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new ContainerException("exec timeout must be positive, got " + timeout);
    }
  }

  public static ExecRequest of(String... command) {
    return new ExecRequest(List.of(command), Map.of(), "", DEFAULT_TIMEOUT);
  }

  public ExecRequest withEnv(Map<String, String> newEnv) {
    return new ExecRequest(command, newEnv, stdin, timeout);
  }

  public ExecRequest withStdin(String text) {
    return new ExecRequest(command, env, text, timeout);
  }

  public ExecRequest withTimeout(Duration newTimeout) {
    return new ExecRequest(command, env, stdin, newTimeout);
  }
}
