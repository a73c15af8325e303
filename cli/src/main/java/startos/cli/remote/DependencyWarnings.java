package startos.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import startos.cli.CliCommand;
import startos.cli.CliException;

/**
 * The warnings StartOS's UI shows around dependencies, printed to stderr: StartOS refuses none of
 * these operations (it starts a service with unmet dependencies, stops a dependency and leaves its
 * dependents running, installs without a dependency), it only says what will not work.
 */
final class DependencyWarnings {
  private DependencyWarnings() {}

  /** {@code package.dependency.check}; empty when it cannot be asked (the command still worked). */
  static Optional<JsonNode> check(CliCommand cmd, String id) {
    try {
      return Optional.of(cmd.remote("package.dependency.check", CliCommand.params().put("id", id)));
    } catch (CliException e) {
      return Optional.empty();
    }
  }

  /** The problems of {@code id}'s own dependencies, one sentence each. */
  static List<String> unmet(JsonNode check) {
    List<String> out = new ArrayList<>();
    for (JsonNode d : check.path("dependencies")) {
      if (!d.path("satisfied").asBoolean(true)) {
        out.add(d.path("problem").asText());
      }
    }
    return out;
  }

  /** Dependents that need {@code id} running. */
  static List<String> runningDependents(JsonNode check) {
    List<String> out = new ArrayList<>();
    for (JsonNode d : check.path("dependents")) {
      if (d.path("kind").asText().equals("running")) {
        out.add(d.path("id").asText());
      }
    }
    return out;
  }

  static List<String> dependents(JsonNode check) {
    List<String> out = new ArrayList<>();
    check.path("dependents").forEach(d -> out.add(d.path("id").asText()));
    return out;
  }

  static void warn(CliCommand cmd, String text) {
    PrintWriter err = cmd.root().env().err();
    err.println("warning: " + text);
    err.flush();
  }

  /** After an install or a start: what {@code id} lacks. */
  static void warnUnmet(CliCommand cmd, String id) {
    check(cmd, id)
        .map(DependencyWarnings::unmet)
        .filter(u -> !u.isEmpty())
        .ifPresent(u ->
            warn(
                cmd,
                id
                    + " has unmet dependencies and will not work as expected until they are met: "
                    + String.join("; ", u)));
  }

  /** Before a stop or an uninstall of {@code id}: who will stop working. */
  static Optional<String> dependentsNotice(CliCommand cmd, String id, boolean uninstall) {
    return check(cmd, id)
        .map(uninstall ? DependencyWarnings::dependents : DependencyWarnings::runningDependents)
        .filter(d -> !d.isEmpty())
        .map(d ->
            "services that depend on "
                + id
                + " will no longer work properly and may crash: "
                + String.join(", ", d));
  }
}
