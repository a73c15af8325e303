package startos.cli;

import picocli.CommandLine.Command;

@Command(
    name = "state",
    description = "Display the current state of the server (initializing, running, ...)",
    mixinStandardHelpOptions = true)
final class StateCommand extends CliCommand {
  @Override
  void run() {
    var result = remote("state", params());
    out().result(result, () -> out().line(Output.cell(result)));
  }
}
