package startos.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import startos.cli.CliCommand;
import startos.cli.CliException;
import startos.cli.JsonArgument;
import startos.cli.Output;

@Command(
    name = "db",
    description = "Commands to interact with the db i.e. dump, put, apply",
    mixinStandardHelpOptions = true,
    subcommands = {DbCommands.Dump.class, DbCommands.Put.class, DbCommands.Apply.class})
public final class DbCommands {
  private DbCommands() {}

  static String pointer(String text) {
    if (!text.isEmpty() && !text.startsWith("/")) {
      throw CliException.usage(
          "\"" + text + "\" is not a JSON pointer: it must be empty or start with '/'");
    }
    return text;
  }

  @Command(
      name = "dump",
      description = "Filter and query the database",
      mixinStandardHelpOptions = true)
  static final class Dump extends CliCommand {
    @Option(
        names = {"-p", "--include-private"},
        description = "Include private data in output")
    boolean includePrivate;

    @Option(
        names = "--pointer",
        paramLabel = "POINTER",
        description = "JSON pointer to a specific value (default /public)")
    Optional<String> pointer = Optional.empty();

    @Parameters(
        paramLabel = "PATH",
        arity = "0..1",
        description = "JSON pointer to dump (a database directory is not supported)")
    Optional<String> path = Optional.empty();

    @Override
    protected void run() {
      if (path.isPresent() && Files.isDirectory(Path.of(path.get()))) {
        throw CliException.usage(
            "reading a database directory offline is not supported; omit PATH to ask startd");
      }
      String ptr =
          pointer.or(() -> path).map(DbCommands::pointer).orElse(includePrivate ? "" : "/public");
      var params = params().put("pointer", ptr);
      JsonNode result = remote("db.dump", params);
      out().result(result, () -> out().line(Output.pretty(result.path("value"))));
    }
  }

  @Command(
      name = "put",
      description = "Add path and value to db",
      mixinStandardHelpOptions = true,
      subcommands = {Put.Ui.class})
  static final class Put {
    private Put() {}

    @Command(name = "ui", description = "Add path and value to db", mixinStandardHelpOptions = true)
    static final class Ui extends CliCommand {
      @Parameters(
          index = "0",
          paramLabel = "POINTER",
          description = "JSON pointer to specific value")
      String pointer;

      @Parameters(index = "1", paramLabel = "VALUE", description = "JSON value to set")
      String value;

      @Override
      protected void run() {
        var params = params().put("pointer", pointer(pointer));
        params.set("value", JsonArgument.parse("VALUE", value));
        JsonNode result = remote("db.put.ui", params);
        out().result(result, () -> out().line("set /public/ui" + pointer));
      }
    }
  }

  @Command(
      name = "apply",
      description = "Update a database record with a JSON Patch (RFC 6902) array",
      mixinStandardHelpOptions = true)
  static final class Apply extends CliCommand {
    @Option(names = "--allow-model-mismatch", description = "Allow database model mismatch")
    boolean allowModelMismatch;

    @Parameters(
        index = "0",
        paramLabel = "EXPR",
        description = "Database patch expression to apply")
    String expr;

    @Parameters(
        index = "1",
        paramLabel = "PATH",
        arity = "0..1",
        description = "Path to the database (not supported: the patch goes to startd)")
    Optional<Path> path = Optional.empty();

    @Override
    protected void run() {
      if (path.isPresent()) {
        throw CliException.usage(
            "patching a database directory offline is not supported; omit PATH to ask startd");
      }
      JsonNode patch = JsonArgument.parse("EXPR", expr);
      if (!patch.isArray()) {
        throw CliException.usage(
            "EXPR must be a JSON Patch array such as"
                + " '[{\"op\":\"replace\",\"path\":\"/public/ui/theme\",\"value\":\"dark\"}]'");
      }
      var params = params();
      params.set("expr", patch);
      JsonNode result = remote("db.apply", params);
      out().result(result, () -> out().line("applied " + patch.size() + " operation(s)"));
    }
  }
}
