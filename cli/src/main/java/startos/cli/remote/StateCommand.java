package startos.cli.remote;

import picocli.CommandLine.Command;
import startos.cli.CliCommand;
import startos.cli.Output;

@Command(
    name = "state",
    description = "Display the current state of the server (initializing, running, ...)",
    mixinStandardHelpOptions = true)
public final class StateCommand extends CliCommand {
  @Override
  protected void run() {
    var result = remote("state", params());
    out().result(result, () -> out().line(Output.cell(result)));
  }
}
