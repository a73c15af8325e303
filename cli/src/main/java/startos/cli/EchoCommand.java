package startos.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "echo", description = "Echo a message back", mixinStandardHelpOptions = true)
final class EchoCommand extends CliCommand {
  @Parameters(paramLabel = "MESSAGE", description = "Message to echo back")
  String message;

  @Override
  void run() {
    var result = remote("echo", params().put("message", message));
    out().result(result, () -> out().line(Output.cell(result)));
  }
}
