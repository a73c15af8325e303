package startos.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import startos.cli.CliCommand;
import startos.cli.CliException;
import startos.cli.Output;

@Command(
    name = "package",
    description = "Commands related to packages",
    mixinStandardHelpOptions = true,
    subcommands = {
      PackageInstall.class,
      PackageCommands.ListPackages.class,
      PackageCommands.InstalledVersion.class,
      PackageCommands.Start.class,
      PackageCommands.Stop.class,
      PackageCommands.Restart.class,
      PackageCommands.Rebuild.class,
      PackageCommands.Uninstall.class,
      PackageCommands.CancelInstall.class,
      PackageCommands.Dependencies.class,
      PackageLogs.class,
      PackageResourceCommands.Stats.class,
      PackageResourceCommands.SetLimits.class,
      PackageAttach.class,
      ActionCommands.class,
    })
public final class PackageCommands {
  static final List<String> HEADERS = List.of("ID", "VERSION", "STATE", "STATUS");
  private static final String ID_PATTERN = "[a-z0-9]+(-[a-z0-9]+)*";

  private PackageCommands() {}

  /** StartOS package ids are lowercase words joined by dashes; anything else cannot exist. */
  static String checkId(String id) {
    if (!id.matches(ID_PATTERN)) {
      throw CliException.usage(
          "\"" + id + "\" is not a package id (lowercase letters and digits, joined by dashes)");
    }
    return id;
  }

  /**
   * One row per package. startd answers a list of {@code {id, version, state, status}}; a map of
   * {@code PackageDataEntry} by id (the DB's shape) is read too.
   */
  static List<List<String>> rows(JsonNode result) {
    List<List<String>> rows = new ArrayList<>();
    if (result.isArray()) {
      for (JsonNode p : result) {
        rows.add(
            List.of(
                Output.cell(p.get("id")),
                Output.cell(p.get("version")),
                Output.cell(p.get("state")),
                Output.cell(p.get("status"))));
      }
    } else if (result.isObject()) {
      for (Map.Entry<String, JsonNode> e : result.properties()) {
        JsonNode info = e.getValue().path("stateInfo");
        JsonNode manifest =
            info.has("manifest")
                ? info.get("manifest")
                : info.path("installingInfo").path("newManifest");
        rows.add(
            List.of(
                e.getKey(),
                Output.cell(manifest.get("version")),
                Output.cell(info.get("state")),
                Output.cell(e.getValue().path("statusInfo").path("desired").get("main"))));
      }
    }
    return rows;
  }

  /** A command that names one package and calls one method with {@code {id}}. */
  abstract static class OnePackage extends CliCommand {
    @Parameters(index = "0", paramLabel = "ID", description = "Package identifier")
    String id;

    ObjectNode idParams() {
      return params().put("id", checkId(id));
    }

    void call(String method, ObjectNode params, String done) {
      JsonNode r = remote(method, params);
      out().result(r, () -> out().line(done));
    }
  }

  @Command(name = "list", description = "List installed packages", mixinStandardHelpOptions = true)
  static final class ListPackages extends CliCommand {
    @Override
    protected void run() {
      JsonNode r = remote("package.list", params());
      out().result(r, () -> out().table(HEADERS, rows(r)));
    }
  }

  @Command(
      name = "installed-version",
      description = "Display the installed version of a package",
      mixinStandardHelpOptions = true)
  static final class InstalledVersion extends OnePackage {
    @Override
    protected void run() {
      JsonNode r = remote("package.installed-version", idParams());
      out().result(r, () -> out().line(r.isNull() ? id + " is not installed" : Output.cell(r)));
    }
  }

  @Command(name = "start", description = "Start a service", mixinStandardHelpOptions = true)
  static final class Start extends OnePackage {
    @Option(
        names = "--force",
        description = "Start the service even if it has an unresolved critical task")
    boolean force;

    @Override
    protected void run() {
      ObjectNode params = idParams();
      if (force) {
        params.put("force", true);
      }
      call("package.start", params, "starting " + id);
      DependencyWarnings.warnUnmet(this, id);
    }
  }

  @Command(name = "stop", description = "Stop a service", mixinStandardHelpOptions = true)
  static final class Stop extends OnePackage {
    @Override
    protected void run() {
      Optional<String> notice = DependencyWarnings.dependentsNotice(this, checkId(id), false);
      call("package.stop", idParams(), "stopping " + id);
      notice.ifPresent(n -> DependencyWarnings.warn(this, n));
    }
  }

  @Command(name = "restart", description = "Restart a service", mixinStandardHelpOptions = true)
  static final class Restart extends OnePackage {
    @Override
    protected void run() {
      call("package.restart", idParams(), "restarting " + id);
    }
  }

  @Command(
      name = "rebuild",
      description = "Rebuild service container",
      mixinStandardHelpOptions = true)
  static final class Rebuild extends OnePackage {
    @Override
    protected void run() {
      call("package.rebuild", idParams(), "rebuilding the container of " + id);
    }
  }

  @Command(name = "uninstall", description = "Remove a package", mixinStandardHelpOptions = true)
  static final class Uninstall extends OnePackage {
    @Option(names = "--soft", description = "Uninstall without deleting service data")
    boolean soft;

    @Option(names = "--force", description = "Ignore errors in service uninit script")
    boolean force;

    @Override
    protected void run() {
      ObjectNode params = idParams().put("soft", soft).put("force", force);
      Optional<String> notice = DependencyWarnings.dependentsNotice(this, checkId(id), true);
      call("package.uninstall", params, "uninstalling " + id + (soft ? " (its data is kept)" : ""));
      notice.ifPresent(n -> DependencyWarnings.warn(this, n));
    }
  }

  @Command(
      name = "cancel-install",
      description = "Cancel an install of a package",
      mixinStandardHelpOptions = true)
  static final class CancelInstall extends OnePackage {
    @Override
    protected void run() {
      call("package.cancel-install", idParams(), "cancelled the install of " + id);
    }
  }

  @Command(
      name = "dependencies",
      description =
          "Show whether a package's dependencies are satisfied, and which packages depend on it",
      mixinStandardHelpOptions = true)
  static final class Dependencies extends OnePackage {
    @Override
    protected void run() {
      JsonNode r = remote("package.dependency.check", idParams());
      out()
          .result(
              r,
              () -> {
                List<List<String>> rows = new ArrayList<>();
                r.path("dependencies").forEach(d -> rows.add(depRow(d, "dependency")));
                r.path("dependents").forEach(d -> rows.add(depRow(d, "dependent")));
                if (rows.isEmpty()) {
                  out().line(id + " has no dependencies and no dependents");
                } else {
                  out().table(List.of("PACKAGE", "RELATION", "KIND", "SATISFIED", "PROBLEM"), rows);
                }
              });
    }

    private static List<String> depRow(JsonNode d, String relation) {
      return List.of(
          d.path("id").asText(),
          relation,
          d.path("kind").asText(),
          d.path("satisfied").asBoolean() ? "yes" : "no",
          d.path("problem").isTextual() ? d.path("problem").asText() : "");
    }
  }
}
