package startos.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import startos.cli.CliCommand;
import startos.cli.CliException;
import startos.cli.ExitCode;
import startos.cli.Output;
import startos.cli.RpcClient;

/**
 * {@code package logs ID}: a page of a service's log, or with {@code -f} the log as it grows, as
 * {@code timestamp message} lines.
 */
@Command(name = "logs", description = "Display logs for a package", mixinStandardHelpOptions = true)
final class PackageLogs extends CliCommand {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  @Parameters(index = "0", paramLabel = "ID", description = "Package identifier")
  String id;

  @Option(
      names = {"-l", "--limit"},
      paramLabel = "LIMIT",
      description = "Maximum number of log entries")
  Optional<Integer> limit = Optional.empty();

  @Option(
      names = {"-c", "--cursor"},
      paramLabel = "CURSOR",
      description = "Start from this cursor position")
  Optional<String> cursor = Optional.empty();

  @Option(
      names = {"-b", "--boot"},
      paramLabel = "BOOT",
      description = "Filter logs by boot ID (or a boot index: 0 current, -1 previous)")
  Optional<String> boot = Optional.empty();

  @Option(
      names = {"-B", "--before"},
      description = "Show logs before the cursor position")
  boolean before;

  @Option(
      names = {"-f", "--follow"},
      description = "Follow log output in real-time")
  boolean follow;

  @Override
  protected void run() {
    ObjectNode params = params().put("id", PackageCommands.checkId(id));
    limit.ifPresent(l -> {
      if (l <= 0) {
        throw CliException.usage("--limit must be a positive number, not " + l);
      }
      params.put("limit", l);
    });
    boot.ifPresent(b -> {
      if (b.matches("-?\\d{1,9}")) {
        params.put("boot", Integer.parseInt(b));
      } else {
        params.put("boot", b);
      }
    });
    if (follow) {
      if (cursor.isPresent() || before) {
        throw CliException.usage(
            "--cursor and --before page through old logs; drop them with --follow");
      }
      follow(params);
      return;
    }
    cursor.ifPresent(c -> params.put("cursor", c));
    params.put("before", before);
    JsonNode page = remote("package.logs", params);
    out().result(page, () -> page.path("entries").forEach(e -> out().line(line(e))));
  }

  private void follow(ObjectNode params) {
    JsonNode r = remote("package.logs.follow", params);
    String guid = PackageStreams.guid(r, "guid", "package.logs.follow");
    try (PackageStreams.Socket socket = PackageStreams.of(root()).open(guid)) {
      while (true) {
        Optional<PackageStreams.Event> event = socket.next(Duration.ofSeconds(1));
        if (event.isEmpty()) {
          continue;
        }
        switch (event.get()) {
          case PackageStreams.Event.Text t -> {
            JsonNode entry = entry(t.text());
            out().line(out().json() ? Output.compact(entry) : line(entry));
          }
          case PackageStreams.Event.Closed c -> {
            if (c.normal()) {
              return;
            }
            throw new CliException(
                ExitCode.SERVER_ERROR,
                "the log stream ended: "
                    + (c.reason().isBlank() ? "closed with code " + c.code() : c.reason()));
          }
          case PackageStreams.Event.Broken b ->
              throw new CliException(
                  ExitCode.UNREACHABLE,
                  "the log stream from startd broke: " + b.cause().getMessage(),
                  b.cause());
        }
      }
    }
  }

  private static JsonNode entry(String text) {
    try {
      JsonNode e = RpcClient.JSON.readTree(text);
      if (e != null && e.isObject()) {
        return e;
      }
    } catch (IOException ex) {
      // reported below
    }
    throw new CliException(
        ExitCode.SERVER_ERROR, "startd sent a log entry that is not a JSON object: " + text);
  }

  /** {@code 2026-11-22T03:04:05.678Z message}, as StartOS prints entries. */
  static String line(JsonNode entry) {
    String stamp = entry.path("timestamp").asText("");
    try {
      stamp = STAMP.format(Instant.parse(stamp));
    } catch (DateTimeParseException e) {
      // not an instant: show it as sent
    }
    return stamp + " " + entry.path("message").asText("");
  }
}
