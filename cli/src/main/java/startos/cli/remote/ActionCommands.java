package startos.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import startos.cli.CliCommand;
import startos.cli.CliException;
import startos.cli.JsonArgument;
import startos.cli.Output;

/** {@code package action get-input|run|clear-task}: a package's actions and tasks. */
@Command(
    name = "action",
    description = "Commands related to actions",
    mixinStandardHelpOptions = true,
    subcommands = {
      ActionCommands.GetInput.class,
      ActionCommands.Run.class,
      ActionCommands.ClearTask.class
    })
public final class ActionCommands {
  /** The most input read from a file or stdin (startd refuses more anyway). */
  static final int MAX_INPUT_BYTES = 1 << 20;

  private ActionCommands() {}

  @Command(
      name = "get-input",
      description = "Get the input form of an action and its current values",
      mixinStandardHelpOptions = true)
  static final class GetInput extends CliCommand {
    @Parameters(index = "0", paramLabel = "PACKAGE", description = "Package identifier")
    String packageId;

    @Parameters(index = "1", paramLabel = "ACTION", description = "Action identifier")
    String actionId;

    @Override
    protected void run() {
      ObjectNode p =
          params()
              .put("packageId", PackageCommands.checkId(packageId))
              .put("actionId", PackageCommands.checkId(actionId));
      JsonNode r = remote("package.action.get-input", p);
      out()
          .result(
              r,
              () -> {
                if (r.isNull()) {
                  out().line(actionId + " of " + packageId + " takes no input");
                } else {
                  out().line(Output.pretty(r));
                }
              });
    }
  }

  @Command(
      name = "run",
      description =
          "Run an action. INPUT-JSON is merged over the action's current values (as the form"
              + " shows them); it may also come from --file (or - for stdin)",
      mixinStandardHelpOptions = true)
  static final class Run extends CliCommand {
    @Parameters(index = "0", paramLabel = "PACKAGE", description = "Package identifier")
    String packageId;

    @Parameters(index = "1", paramLabel = "ACTION", description = "Action identifier")
    String actionId;

    @Parameters(
        index = "2",
        arity = "0..1",
        paramLabel = "INPUT-JSON",
        description = "The input as a JSON object")
    String input;

    @Option(
        names = {"-f", "--file"},
        paramLabel = "FILE",
        description = "Read the input JSON from FILE (- for stdin)")
    String file;

    @Option(
        names = "--show-secrets",
        description = "Show masked values of the result instead of hiding them")
    boolean showSecrets;

    @Option(names = "--qr", description = "Show values meant for a QR code as one")
    boolean qr;

    @Option(
        names = "--no-prefill",
        description = "Send only INPUT-JSON, not merged over the current values")
    boolean noPrefill;

    @Override
    protected void run() {
      PackageCommands.checkId(packageId);
      PackageCommands.checkId(actionId);
      JsonNode given = given();
      ObjectNode ids = params().put("packageId", packageId).put("actionId", actionId);
      JsonNode form = remote("package.action.get-input", ids.deepCopy());
      ObjectNode p = ids.deepCopy();
      JsonNode toSend = given;
      if (form.isObject()) {
        p.set("eventId", form.get("eventId"));
        JsonNode current = form.path("value");
        if (!noPrefill && current.isObject() && given.isObject()) {
          ObjectNode merged = ((ObjectNode) current).deepCopy();
          merged.setAll((ObjectNode) given);
          toSend = merged;
        } else if (!noPrefill && current.isObject() && given.isNull()) {
          toSend = current;
        }
      }
      p.set("input", toSend);
      JsonNode r = remote("package.action.run", p);
      out().result(r, () -> new ActionResultText(out(), showSecrets, qr).print(actionId, r));
    }

    private JsonNode given() {
      if (input != null && file != null) {
        throw CliException.usage("give the input either as INPUT-JSON or with --file, not both");
      }
      if (file != null) {
        return JsonArgument.parse(
            file.equals("-") ? "the input on stdin" : "the input in " + file, read(file));
      }
      if (input != null) {
        JsonNode n = JsonArgument.parse("INPUT-JSON", input);
        if (!n.isObject()) {
          throw CliException.usage(
              "INPUT-JSON must be a JSON object of fields, e.g. '{\"name\":\"x\"}'");
        }
        return n;
      }
      return RpcClientNull.NULL;
    }

    private static String read(String file) {
      try (InputStream in = file.equals("-") ? System.in : Files.newInputStream(Path.of(file))) {
        byte[] b = in.readNBytes(MAX_INPUT_BYTES + 1);
        if (b.length > MAX_INPUT_BYTES) {
          throw CliException.usage("the input is larger than " + MAX_INPUT_BYTES + " bytes");
        }
        return new String(b, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw CliException.local("cannot read the input from " + file + ": " + e.getMessage(), e);
      }
    }
  }

  @Command(
      name = "clear-task",
      description = "Dismiss a task of a package (a critical one needs --force)",
      mixinStandardHelpOptions = true)
  static final class ClearTask extends CliCommand {
    @Parameters(index = "0", paramLabel = "PACKAGE", description = "Package identifier")
    String packageId;

    @Parameters(index = "1", paramLabel = "REPLAY-ID", description = "The task's replay id")
    String replayId;

    @Option(names = "--force", description = "Clear it even if it is critical")
    boolean force;

    @Override
    protected void run() {
      ObjectNode p =
          params()
              .put("packageId", PackageCommands.checkId(packageId))
              .put("replayId", replayId)
              .put("force", force);
      JsonNode r = remote("package.action.clear-task", p);
      out().result(r, () -> out().line("cleared task " + replayId + " of " + packageId));
    }
  }

  /** A JSON null without a dependency on a node factory at every call site. */
  private static final class RpcClientNull {
    static final JsonNode NULL = com.fasterxml.jackson.databind.node.NullNode.getInstance();
  }
}
