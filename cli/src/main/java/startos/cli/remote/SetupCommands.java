package startos.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import startos.cli.CliCommand;
import startos.cli.Output;

@Command(
    name = "setup",
    description = "Commands related to the initial setup",
    mixinStandardHelpOptions = true,
    subcommands = {
      SetupCommands.Execute.class,
      SetupCommands.Complete.class,
      SetupCommands.Status.class,
      SetupCommands.GetPubkey.class,
    })
public final class SetupCommands {
  private SetupCommands() {}

  @Command(
      name = "execute",
      description =
          "Run the initial setup (password from $PASSWORD or the terminal, never an argument)",
      mixinStandardHelpOptions = true)
  static final class Execute extends CliCommand {
    @Option(
        names = "--guid",
        paramLabel = "GUID",
        description = "Disk GUID of the data drive (when the server asks for one)")
    Optional<String> guid = Optional.empty();

    @Option(names = "--kiosk", description = "Enable kiosk mode")
    boolean kiosk;

    @Option(names = "--name", paramLabel = "NAME", description = "Friendly server name")
    Optional<String> name = Optional.empty();

    @Option(
        names = "--hostname",
        paramLabel = "HOSTNAME",
        description = "Hostname (LAN advertised); defaults to a random adjective-noun pair")
    Optional<String> hostname = Optional.empty();

    @Option(names = "--complete", description = "Also run `setup complete` afterwards")
    boolean complete;

    @Override
    protected void run() {
      String password = Secrets.readNew(root().env(), "PASSWORD", "New Password: ");
      ObjectNode params = params().put("password", password).put("kiosk", kiosk);
      guid.ifPresent(g -> params.put("guid", g));
      name.ifPresent(n -> params.put("name", n));
      hostname.ifPresent(h -> params.put("hostname", h));
      JsonNode r = remote("setup.execute", params);
      JsonNode done = complete ? remote("setup.complete", params()) : null;
      if (out().json()) {
        ObjectNode both = params();
        both.set("execute", r);
        if (done != null) {
          both.set("complete", done);
        }
        out().line(Output.compact(complete ? both : r));
        return;
      }
      String host = r.path("hostname").asText("");
      out().line("setup executed" + (host.isEmpty() ? "" : ": hostname " + host));
      if (r.path("needsRestart").asBoolean(false)) {
        out().line("the server needs a restart to finish");
      }
      out().line(complete ? "setup complete" : "next: run `start-cli setup complete`");
    }
  }

  @Command(name = "complete", description = "Finalize the setup", mixinStandardHelpOptions = true)
  static final class Complete extends CliCommand {
    @Override
    protected void run() {
      JsonNode r = remote("setup.complete", params());
      out().result(r, () -> out().line("setup complete"));
    }
  }

  @Command(
      name = "status",
      description = "Display the current state of the setup wizard",
      mixinStandardHelpOptions = true)
  static final class Status extends CliCommand {
    @Override
    protected void run() {
      out().value(remote("setup.status", params()));
    }
  }

  @Command(
      name = "get-pubkey",
      description = "Get the public key from the server",
      mixinStandardHelpOptions = true)
  static final class GetPubkey extends CliCommand {
    @Override
    protected void run() {
      out().value(remote("setup.get-pubkey", params()));
    }
  }
}
