package startos.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import startos.cli.CliCommand;
import startos.cli.CliException;
import startos.cli.Output;

@Command(
    name = "server",
    description = "Commands related to the server i.e. restart, update, and shutdown",
    mixinStandardHelpOptions = true,
    subcommands = {
      ServerCommands.Time.class,
      ServerCommands.Metrics.class,
      ServerCommands.DeviceInfo.class,
      ServerCommands.SetHostname.class,
      SmtpCommands.SetSmtp.class,
      SmtpCommands.TestSmtp.class,
      SmtpCommands.ClearSmtp.class,
    })
public final class ServerCommands {
  private ServerCommands() {}

  /** Nested objects as {@code a.b value} rows; a {@code {value, unit}} leaf prints as one cell. */
  static List<List<String>> flatten(JsonNode node) {
    List<List<String>> rows = new ArrayList<>();
    flatten("", node, rows);
    return rows;
  }

  private static void flatten(String prefix, JsonNode node, List<List<String>> rows) {
    if (node.isObject()
        && node.has("value")
        && node.size() <= 2
        && (node.size() == 1 || node.has("unit"))) {
      String unit = node.path("unit").asText("");
      rows.add(
          List.of(prefix, Output.cell(node.get("value")) + (unit.isEmpty() ? "" : " " + unit)));
      return;
    }
    if (node.isObject() && node.size() > 0) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), rows);
      }
      return;
    }
    rows.add(List.of(prefix.isEmpty() ? "value" : prefix, Output.cell(node)));
  }

  static String uptime(long seconds) {
    Duration d = Duration.ofSeconds(seconds);
    return String.format(
        "%dd %02dh %02dm %02ds", d.toDays(), d.toHoursPart(), d.toMinutesPart(), d.toSecondsPart());
  }

  @Command(
      name = "time",
      description = "Display server time and uptime",
      mixinStandardHelpOptions = true)
  static final class Time extends CliCommand {
    @Override
    protected void run() {
      JsonNode r = remote("server.time", params());
      out()
          .result(
              r,
              () -> {
                out().line("now     " + Output.cell(r.get("now")));
                JsonNode up = r.path("uptime");
                out()
                    .line(
                        "uptime  "
                            + (up.canConvertToLong() ? uptime(up.asLong()) : Output.cell(up)));
              });
    }
  }

  @Command(
      name = "metrics",
      description = "Display server metrics",
      mixinStandardHelpOptions = true)
  static final class Metrics extends CliCommand {
    @Override
    protected void run() {
      JsonNode r = remote("server.metrics", params());
      out().result(r, () -> out().table(List.of("METRIC", "VALUE"), flatten(r)));
    }
  }

  @Command(
      name = "device-info",
      description = "Display device information",
      mixinStandardHelpOptions = true)
  static final class DeviceInfo extends CliCommand {
    @Override
    protected void run() {
      JsonNode r = remote("server.device-info", params());
      out().result(r, () -> out().table(List.of("FIELD", "VALUE"), flatten(r)));
    }
  }

  @Command(
      name = "set-hostname",
      description = "Set the server name and/or hostname",
      mixinStandardHelpOptions = true)
  static final class SetHostname extends CliCommand {
    @Parameters(
        index = "0",
        arity = "0..1",
        paramLabel = "NAME",
        description = "Friendly server name")
    Optional<String> name = Optional.empty();

    @Parameters(
        index = "1",
        arity = "0..1",
        paramLabel = "HOSTNAME",
        description = "Hostname advertised on the LAN (<hostname>.local)")
    Optional<String> hostname = Optional.empty();

    @Override
    protected void run() {
      if (name.filter(n -> !n.isBlank()).isEmpty()
          && hostname.filter(h -> !h.isBlank()).isEmpty()) {
        throw CliException.usage("give a NAME, a HOSTNAME or both");
      }
      var params = params();
      name.filter(n -> !n.isBlank()).ifPresent(n -> params.put("name", n));
      hostname.filter(h -> !h.isBlank()).ifPresent(h -> params.put("hostname", h));
      JsonNode r = remote("server.set-hostname", params);
      out().result(r, () -> out().line("server renamed"));
    }
  }
}
