package startos.dependency;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import startos.exver.ExtendedVersion;
import startos.exver.ExverParseException;
import startos.exver.VersionRange;
import startos.model.CurrentDependencyInfo;
import startos.model.DesiredStatus;
import startos.model.HealthCheckResult;
import startos.model.PackageDataEntry;
import startos.model.PackageState;
import startos.model.Task;
import startos.model.TaskEntry;

/**
 * Whether the dependencies a package declared ({@code currentDependencies}) are satisfied by what
 * is installed now, by StartOS's rules ({@code dep-error.service.ts}): installed; its version or
 * one it {@code satisfies} in the declared range; no active critical task on it; for {@code
 * running}: running (or starting) and every named health check {@code success}. Pure: callers pass
 * the database they read.
 */
public final class DependencyCheck {
  private DependencyCheck() {}

  /** The first unmet rule per declared dependency, empty when satisfied, in declaration order. */
  public static Map<String, Optional<Unmet>> check(
      PackageDataEntry dependent, Map<String, PackageDataEntry> packages) {
    Map<String, Optional<Unmet>> out = new LinkedHashMap<>();
    dependent
        .currentDependencies()
        .forEach((id, info) -> out.put(id, unmet(id, info, dependent, packages.get(id))));
    return out;
  }

  /** Only what is unmet. */
  public static List<Unmet> unmet(
      PackageDataEntry dependent, Map<String, PackageDataEntry> packages) {
    List<Unmet> out = new ArrayList<>();
    check(dependent, packages).values().forEach(u -> u.ifPresent(out::add));
    return out;
  }

  private static Optional<Unmet> unmet(
      String id, CurrentDependencyInfo info, PackageDataEntry dependent, PackageDataEntry dep) {
    if (dep == null || !(dep.stateInfo() instanceof PackageState.Installed installed)) {
      return Optional.of(new Unmet.NotInstalled(id));
    }
    JsonNode manifest = installed.manifest();
    String version = manifest.path("version").asText("");
    try {
      VersionRange range = VersionRange.parse(info.versionRange());
      boolean inRange = ExtendedVersion.parse(version).satisfies(range);
      for (JsonNode s : manifest.path("satisfies")) {
        try {
          inRange |= ExtendedVersion.parse(s.asText("")).satisfies(range);
        } catch (ExverParseException ignored) {
          // a satisfies entry the dependency's packer wrote badly only fails to help
        }
      }
      if (!inRange) {
        return Optional.of(new Unmet.IncorrectVersion(id, version, info.versionRange()));
      }
    } catch (ExverParseException e) {
      return Optional.of(new Unmet.BadRange(id, e.getMessage()));
    }
    for (TaskEntry t : dependent.tasks().values()) {
      if (t.active()
          && t.task().packageId().equals(id)
          && t.task().severity() == Task.Severity.CRITICAL) {
        return Optional.of(new Unmet.TaskRequired(id, t.task().actionId()));
      }
    }
    if (info instanceof CurrentDependencyInfo.Running running) {
      if (!runningOrStarting(dep)) {
        return Optional.of(new Unmet.NotRunning(id));
      }
      for (String check : running.healthChecks()) {
        HealthCheckResult r = dep.statusInfo().health().get(check);
        if (r == null || r.result() != HealthCheckResult.Result.SUCCESS) {
          return Optional.of(
              new Unmet.HealthCheckFailed(
                  id, check, r == null ? "not reported" : r.result().name().toLowerCase()));
        }
      }
    }
    return Optional.empty();
  }

  /** Asked to run (StartOS's "running" or "starting"); started but stopping does not count. */
  private static boolean runningOrStarting(PackageDataEntry dep) {
    return dep.statusInfo().desired() instanceof DesiredStatus.Running
        || dep.statusInfo().desired() instanceof DesiredStatus.Restarting;
  }
}
