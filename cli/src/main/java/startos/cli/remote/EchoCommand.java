package startos.cli.remote;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import startos.cli.CliCommand;
import startos.cli.Output;

@Command(name = "echo", description = "Echo a message back", mixinStandardHelpOptions = true)
public final class EchoCommand extends CliCommand {
  @Parameters(paramLabel = "MESSAGE", description = "Message to echo back")
  String message;

  @Override
  protected void run() {
    var result = remote("echo", params().put("message", message));
    out().result(result, () -> out().line(Output.cell(result)));
  }
}
