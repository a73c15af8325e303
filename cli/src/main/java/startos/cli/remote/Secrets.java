package startos.cli.remote;

import java.util.Optional;
import startos.cli.CliEnv;
import startos.cli.CliException;

/** Reads passwords: from an environment variable for scripts, else from the terminal. */
final class Secrets {
  private Secrets() {}

  static String read(CliEnv env, String variable, String label) {
    Optional<String> fromEnv = env.variable(variable);
    if (fromEnv.isPresent()) {
      return fromEnv.get();
    }
    return env.prompt()
        .read(label)
        .orElseThrow(() ->
            CliException.usage(
                "no terminal to ask for the password: set the "
                    + variable
                    + " environment variable"));
  }

  /** A new password typed twice (or taken from the variable once). */
  static String readNew(CliEnv env, String variable, String label) {
    Optional<String> fromEnv = env.variable(variable);
    if (fromEnv.isPresent()) {
      return fromEnv.get();
    }
    String first = read(env, variable, label);
    String again = read(env, variable, "Confirm: ");
    if (!first.equals(again)) {
      throw CliException.usage("the passwords do not match; nothing was changed");
    }
    return first;
  }
}
