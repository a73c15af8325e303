package startos.cli.main;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import startos.cli.CliEnv;
import startos.cli.CliException;
import startos.cli.CliSettings;
import startos.cli.ExitCode;
import startos.cli.Output;
import startos.cli.pack.KeyCommands;
import startos.cli.pack.S9pkCommands;
import startos.cli.pack.UtilCommands;
import startos.cli.remote.AuthCommands;
import startos.cli.remote.DbCommands;
import startos.cli.remote.EchoCommand;
import startos.cli.remote.NotificationCommands;
import startos.cli.remote.PackageCommands;
import startos.cli.remote.ServerCommands;
import startos.cli.remote.SetupCommands;
import startos.cli.remote.StateCommand;

/**
 * The root {@code start-cli} command: global options as in StartOS, and the resolved settings
 * (flags, then config files, then defaults) every subcommand works from.
 */
@Command(
    name = "start-cli",
    mixinStandardHelpOptions = true,
    versionProvider = StartCli.Version.class,
    description = "The command line of StartOS: talks to startd over JSON-RPC and builds packages.",
    subcommands = {
      AuthCommands.class,
      DbCommands.class,
      EchoCommand.class,
      StateCommand.class,
      ServerCommands.class,
      NotificationCommands.class,
      SetupCommands.class,
      KeyCommands.InitKey.class,
      KeyCommands.Init.class,
      KeyCommands.Pubkey.class,
      PackageCommands.class,
      S9pkCommands.class,
      UtilCommands.class,
    })
public final class StartCli implements CliSettings {
  static final String DEFAULT_HOST = "http://127.0.0.1:8080";

  private final CliEnv env;

  @Option(
      names = {"-c", "--config"},
      paramLabel = "CONFIG",
      description =
          "Path to configuration file (default ~/.startos/config.yaml, then /etc/startos/config.yaml)")
  Optional<Path> config = Optional.empty();

  @Option(
      names = {"-H", "--host"},
      paramLabel = "HOST",
      description = "URL of the StartOS server (default " + DEFAULT_HOST + ")")
  Optional<String> host = Optional.empty();

  @Option(
      names = {"-r", "--registry"},
      paramLabel = "REGISTRY",
      description = "URL of the registry")
  Optional<String> registry = Optional.empty();

  @Option(
      names = "--cookie-path",
      paramLabel = "COOKIE_PATH",
      description = "Path to cookie file (default ~/.startos/.cookies.json)")
  Optional<Path> cookiePath = Optional.empty();

  @Option(
      names = "--developer-key-path",
      paramLabel = "DEVELOPER_KEY_PATH",
      description = "Path to developer signing key (default ~/.startos/developer.key.pem)")
  Optional<Path> developerKeyPath = Optional.empty();

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "startd's data dir, to find its local auth cookie rpc.authcookie (default: $STARTOS_DATA_DIR,"
              + " /run/startos, /var/lib/startos, .dev-data)")
  Optional<Path> dataDir = Optional.empty();

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      scope = ScopeType.INHERIT,
      description = "Output format: table (human, default) or json (raw result, one line)")
  Output.Format format = Output.Format.table;

  private List<CliConfigFile> configFiles;

  public StartCli(CliEnv env) {
    this.env = env;
  }

  /** Parses and runs; returns the process exit code. Never calls System.exit. */
  public static int run(CliEnv env, String... args) {
    CommandLine cli = commandLine(env);
    return cli.execute(args);
  }

  public static CommandLine commandLine(CliEnv env) {
    CommandLine cli = new CommandLine(new StartCli(env));
    cli.setOut(env.out());
    cli.setErr(env.err());
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.getCommandSpec().usageMessage().footer(ExitCode.helpFooter());
    // `package attach ID sh -c '…'`: everything after the id is the command, its options included
    cli.getSubcommands().get("package").getSubcommands().get("attach").setStopAtPositional(true);
    cli.setExecutionExceptionHandler((e, line, parsed) -> {
      if (e instanceof CliException c) {
        env.err().println("error: " + c.getMessage());
        env.err().flush();
        return c.exitCode().code();
      }
      env.err().println("error: unexpected failure: " + e);
      env.err().flush();
      return ExitCode.LOCAL_ERROR.code();
    });
    return cli;
  }

  @Override
  public CliEnv env() {
    return env;
  }

  @Override
  public Output output() {
    return new Output(env.out(), format);
  }

  /** The server URL: {@code -H}, else config {@code host}, else {@value #DEFAULT_HOST}. */
  @Override
  public URI hostUri() {
    String raw = host.or(() -> setting("host")).orElse(DEFAULT_HOST).trim();
    if (!raw.contains("://")) {
      raw = "http://" + raw;
    }
    URI uri;
    try {
      uri = URI.create(raw);
    } catch (IllegalArgumentException e) {
      throw CliException.usage("--host " + raw + " is not a URL: " + e.getMessage());
    }
    if (uri.getHost() == null
        || !("http".equalsIgnoreCase(uri.getScheme())
            || "https".equalsIgnoreCase(uri.getScheme()))) {
      throw CliException.usage("--host " + raw + " must be an http:// or https:// URL with a host");
    }
    return uri;
  }

  @Override
  public Path cookieFile() {
    return cookiePath
        .or(() -> setting("cookie-path").map(Path::of))
        .orElseGet(() -> env.home().resolve(".startos").resolve(".cookies.json"));
  }

  @Override
  public Path developerKeyFile() {
    return developerKeyPath
        .or(() -> setting("developer-key-path").map(Path::of))
        .orElseGet(() -> env.home().resolve(".startos").resolve("developer.key.pem"));
  }

  @Override
  public Optional<Path> dataDirectory() {
    return dataDir.or(() -> setting("data-dir").map(Path::of));
  }

  @Override
  public boolean developerKeyPathGiven() {
    return developerKeyPath.isPresent();
  }

  @Override
  public Optional<String> registry() {
    return registry.or(() -> setting("registry"));
  }

  @Override
  public Optional<String> setting(String key) {
    for (CliConfigFile file : configFiles()) {
      Optional<String> v = file.value(key);
      if (v.isPresent()) {
        return v;
      }
    }
    return Optional.empty();
  }

  private List<CliConfigFile> configFiles() {
    if (configFiles == null) {
      List<CliConfigFile> files = new ArrayList<>();
      if (config.isPresent()) {
        if (!Files.isRegularFile(config.get())) {
          throw CliException.usage("config file " + config.get() + " does not exist");
        }
        chain(config.get(), files);
      }
      chain(env.home().resolve(".startos").resolve("config.yaml"), files);
      chain(Path.of("/etc/startos/config.yaml"), files);
      configFiles = files;
    }
    return configFiles;
  }

  // a config file may name another with `config:`, as in StartOS; followed until a repeat
  private static void chain(Path start, List<CliConfigFile> into) {
    Optional<Path> next = Optional.of(start);
    while (next.isPresent() && Files.isRegularFile(next.get()) && !seen(into, next.get())) {
      CliConfigFile file = CliConfigFile.read(next.get());
      into.add(file);
      next = file.value("config").map(Path::of);
    }
  }

  private static boolean seen(List<CliConfigFile> files, Path path) {
    Path norm = path.toAbsolutePath().normalize();
    return files.stream().anyMatch(f -> f.path().toAbsolutePath().normalize().equals(norm));
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"start-cli " + CliSettings.VERSION + " (Java)"};
    }
  }
}
