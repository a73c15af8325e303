package startos.cli.pack;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import startos.cli.CliCommand;
import startos.cli.CliException;
import startos.s9pk.merkle.DeveloperKey;
import startos.s9pk.merkle.S9pkException;

/** {@code init-key} / {@code init key} and {@code pubkey}: the developer's signing key. */
public final class KeyCommands {
  private KeyCommands() {}

  static void initKey(CliCommand cmd) {
    Path path = cmd.root().developerKeyFile();
    if (!cmd.root().developerKeyPathGiven() && Files.exists(DeveloperKeys.OS_KEY)) {
      cmd.out().line("Developer key already exists at " + DeveloperKeys.OS_KEY);
      return;
    }
    if (Files.exists(path)) {
      cmd.out().line("Developer key already exists at " + path);
      return;
    }
    try {
      DeveloperKey.generate().save(path);
    } catch (S9pkException e) {
      throw CliException.local(e.getMessage(), e);
    }
    cmd.out().line("New developer key generated at " + path);
  }

  @Command(
      name = "init-key",
      description = "Create a new developer key (kept if one exists)",
      mixinStandardHelpOptions = true)
  public static final class InitKey extends CliCommand {
    @Override
    protected void run() {
      initKey(this);
    }
  }

  @Command(
      name = "init",
      description = "Commands for initialization",
      mixinStandardHelpOptions = true,
      subcommands = {Init.Key.class})
  public static final class Init {
    private Init() {}

    @Command(
        name = "key",
        description = "Create a new developer key",
        mixinStandardHelpOptions = true)
    static final class Key extends CliCommand {
      @Override
      protected void run() {
        initKey(this);
      }
    }
  }

  @Command(
      name = "pubkey",
      description = "Get the developer public key",
      mixinStandardHelpOptions = true)
  public static final class Pubkey extends CliCommand {
    @Override
    protected void run() {
      Path path = root().developerKeyFile();
      Path use =
          !root().developerKeyPathGiven() && Files.exists(DeveloperKeys.OS_KEY)
              ? DeveloperKeys.OS_KEY
              : path;
      if (!Files.exists(use)) {
        throw CliException.local("no developer key at " + use + ": run `start-cli init-key` first");
      }
      DeveloperKey key = DeveloperKeys.load(use);
      out().writer().print(key.verifyingKey().pem());
      out().writer().flush();
    }
  }
}
