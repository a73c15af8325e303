package startos.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import startos.cli.CliCommand;
import startos.cli.CliException;
import startos.cli.Output;

@Command(
    name = "notification",
    description = "Create, delete, or list notifications",
    mixinStandardHelpOptions = true,
    subcommands = {
      NotificationCommands.ListNotifications.class,
      NotificationCommands.Create.class,
      NotificationCommands.MarkSeen.class,
      NotificationCommands.MarkSeenBefore.class,
      NotificationCommands.MarkUnseen.class,
      NotificationCommands.Remove.class,
      NotificationCommands.RemoveBefore.class,
    })
public final class NotificationCommands {
  static final List<String> LEVELS = List.of("success", "info", "warning", "error");
  static final List<String> HEADERS =
      List.of("ID", "LEVEL", "CREATED", "PACKAGE", "TITLE", "MESSAGE", "SEEN");

  private NotificationCommands() {}

  static List<List<String>> rows(JsonNode list) {
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode n : list) {
      rows.add(
          List.of(
              Output.cell(n.get("id")),
              Output.cell(n.get("level")),
              Output.cell(n.get("createdAt")),
              Output.cell(n.get("packageId")),
              Output.cell(n.get("title")),
              Output.cell(n.get("message")),
              n.path("seen").asBoolean(false) ? "yes" : "no"));
    }
    return rows;
  }

  static ObjectNode ids(List<Long> ids) {
    ObjectNode params = CliCommand.params();
    ArrayNode array = params.putArray("ids");
    ids.forEach(array::add);
    return params;
  }

  @Command(name = "list", description = "List notifications", mixinStandardHelpOptions = true)
  static final class ListNotifications extends CliCommand {
    @Parameters(
        index = "0",
        arity = "0..1",
        paramLabel = "BEFORE",
        description = "Get notifications before this ID")
    Optional<Long> before = Optional.empty();

    @Parameters(
        index = "1",
        arity = "0..1",
        paramLabel = "LIMIT",
        description = "Maximum number of notifications to return")
    Optional<Integer> limit = Optional.empty();

    @Override
    protected void run() {
      ObjectNode params = params();
      before.ifPresent(b -> params.put("before", b));
      limit.ifPresent(l -> params.put("limit", l));
      JsonNode r = remote("notification.list", params);
      out().result(r, () -> out().table(HEADERS, rows(r)));
    }
  }

  @Command(
      name = "create",
      description = "Persist a new notification",
      mixinStandardHelpOptions = true)
  static final class Create extends CliCommand {
    @Option(
        names = {"-p", "--package"},
        paramLabel = "PACKAGE",
        description = "Package identifier")
    Optional<String> pkg = Optional.empty();

    @Parameters(
        index = "0",
        paramLabel = "LEVEL",
        description = "Notification severity level: success, info, warning, error")
    String level;

    @Parameters(index = "1", paramLabel = "TITLE", description = "Notification title")
    String title;

    @Parameters(index = "2", paramLabel = "MESSAGE", description = "Notification message content")
    String message;

    @Override
    protected void run() {
      String lvl = level.toLowerCase(Locale.ROOT);
      if (!LEVELS.contains(lvl)) {
        throw CliException.usage(
            "LEVEL \"" + level + "\" is not one of " + String.join(", ", LEVELS));
      }
      ObjectNode params = params();
      params.put("package", pkg.orElse(null));
      params.put("level", lvl).put("title", title).put("message", message);
      JsonNode r = remote("notification.create", params);
      out().result(r, () -> out().line("notification created"));
    }
  }

  @Command(
      name = "mark-seen",
      description = "Mark notifications as seen",
      mixinStandardHelpOptions = true)
  static final class MarkSeen extends CliCommand {
    @Parameters(paramLabel = "IDS", arity = "1..*", description = "Notification IDs")
    List<Long> ids = new ArrayList<>();

    @Override
    protected void run() {
      JsonNode r = remote("notification.mark-seen", ids(ids));
      out().result(r, () -> out().line("marked " + ids.size() + " notification(s) seen"));
    }
  }

  @Command(
      name = "mark-seen-before",
      description = "Mark notifications as seen before a given ID",
      mixinStandardHelpOptions = true)
  static final class MarkSeenBefore extends CliCommand {
    @Parameters(paramLabel = "BEFORE", description = "Get notifications before this ID")
    long before;

    @Override
    protected void run() {
      JsonNode r = remote("notification.mark-seen-before", params().put("before", before));
      out().result(r, () -> out().line("marked notifications before " + before + " seen"));
    }
  }

  @Command(
      name = "mark-unseen",
      description = "Mark notifications as unseen",
      mixinStandardHelpOptions = true)
  static final class MarkUnseen extends CliCommand {
    @Parameters(paramLabel = "IDS", arity = "1..*", description = "Notification IDs")
    List<Long> ids = new ArrayList<>();

    @Override
    protected void run() {
      JsonNode r = remote("notification.mark-unseen", ids(ids));
      out().result(r, () -> out().line("marked " + ids.size() + " notification(s) unseen"));
    }
  }

  @Command(
      name = "remove",
      description = "Remove notification for IDs",
      mixinStandardHelpOptions = true)
  static final class Remove extends CliCommand {
    @Parameters(paramLabel = "IDS", arity = "1..*", description = "Notification IDs")
    List<Long> ids = new ArrayList<>();

    @Override
    protected void run() {
      JsonNode r = remote("notification.remove", ids(ids));
      out().result(r, () -> out().line("removed " + ids.size() + " notification(s)"));
    }
  }

  @Command(
      name = "remove-before",
      description = "Remove notifications before a given ID",
      mixinStandardHelpOptions = true)
  static final class RemoveBefore extends CliCommand {
    @Parameters(paramLabel = "BEFORE", description = "Get notifications before this ID")
    long before;

    @Override
    protected void run() {
      JsonNode r = remote("notification.remove-before", params().put("before", before));
      out().result(r, () -> out().line("removed notifications before " + before));
    }
  }
}
