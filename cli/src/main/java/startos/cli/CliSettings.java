package startos.cli;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a command may ask of the invocation it runs in: the environment, the output, and the
 * settings resolved from flags, then config files, then defaults. The root command implements it
 * ({@code startos.cli.main.StartCli}), so commands depend on this and not on the command tree.
 */
public interface CliSettings {
  /** The version start-cli reports (in {@code --version} and its User-Agent). */
  String VERSION = "0.4.0";

  CliEnv env();

  Output output();

  /** The server URL: {@code -H}, else config {@code host}, else {@code http://127.0.0.1:8080}. */
  URI hostUri();

  Path cookieFile();

  Path developerKeyFile();

  /** Whether the developer key path was given explicitly ({@code --developer-key-path}). */
  boolean developerKeyPathGiven();

  Optional<Path> dataDirectory();

  /** The registry URL: {@code -r}, else config {@code registry}. */
  Optional<String> registry();

  /** A value from the first config file that has it (explicit file, user's, system's). */
  Optional<String> setting(String key);
}
