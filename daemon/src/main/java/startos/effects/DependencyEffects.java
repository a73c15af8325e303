package startos.effects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import startos.dependency.DependencyGraph;
import startos.dependency.DependencyMetadata;
import startos.effects.DependencyParams.CheckDependencies;
import startos.effects.DependencyParams.DependencyKind;
import startos.effects.DependencyParams.DependencyRequirement;
import startos.effects.DependencyParams.ProgressParams;
import startos.effects.DependencyParams.SetDependencies;
import startos.model.CurrentDependencyInfo;
import startos.model.Database;
import startos.model.ModelJson;
import startos.model.PackageDataEntry;
import startos.model.TaskEntry;
import startos.rpc.ProtocolException;

/**
 * Dependencies as records ({@code currentDependencies}) and the backup progress. What a package
 * declares is kept (a cycle refused); whether it is satisfied is {@code check-dependencies}' answer
 * and {@link startos.dependency.DependencyCheck}'s, computed from the live database each time.
 */
final class DependencyEffects {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final Database db;

  DependencyEffects(Database db) {
    this.db = db;
  }

  void register(EffectTable t) {
    t.register("set-dependencies", this::setDependencies, SetDependencies.class);
    t.register("get-dependencies", this::dependencies);
    t.register("check-dependencies", this::check, CheckDependencies.class);
    t.register("set-backup-progress", this::backupProgress, ProgressParams.class);
  }

  /** Checked and dropped: there are no backups yet to show it on. */
  private JsonNode backupProgress(EffectCall c, ProgressParams p) {
    return NODES.nullNode();
  }

  private JsonNode dependencies(EffectCall c) {
    ArrayNode out = NODES.arrayNode();
    Map<String, CurrentDependencyInfo> deps =
        db.packageEntry(c.packageId()).map(PackageDataEntry::currentDependencies).orElse(Map.of());
    deps.forEach((id, info) -> {
      ObjectNode r = out.addObject();
      r.put("id", id);
      r.put("versionRange", info.versionRange());
      switch (info) {
        case CurrentDependencyInfo.Exists e -> r.put("kind", "exists");
        case CurrentDependencyInfo.Running run -> {
          r.put("kind", "running");
          ArrayNode checks = r.putArray("healthChecks");
          run.healthChecks().forEach(checks::add);
        }
      }
    });
    return out;
  }

  private JsonNode setDependencies(EffectCall c, SetDependencies p) {
    String self = c.packageId();
    for (DependencyRequirement d : p.dependencies()) {
      if (d.id().equals(self)) {
        throw ProtocolException.invalidParams(
            "a package cannot depend on itself: " + self + " names " + self + " in dependencies");
      }
    }
    // title and icon come from the dependent's own archive (host path), read outside the write
    Optional<Path> s9pk =
        db.packageEntry(self).map(PackageDataEntry::s9pk).filter(s -> !s.isEmpty()).map(Path::of);
    Map<String, CurrentDependencyInfo> withMeta = new LinkedHashMap<>();
    for (DependencyRequirement d : p.dependencies()) {
      DependencyMetadata meta =
          s9pk.map(f -> DependencyMetadata.read(f, d.id())).orElse(DependencyMetadata.NONE);
      withMeta.put(d.id(), info(d, meta));
    }
    db.mutate(tx -> {
      Optional<List<String>> cycle = DependencyGraph.cycle(self, withMeta.keySet(), tx.packages());
      if (cycle.isPresent()) {
        throw ProtocolException.invalidParams(
            "these dependencies would form a cycle, which can never be satisfied: "
                + String.join(" -> ", cycle.get()));
      }
      tx.putPackage(self, tx.requirePackage(self).withCurrentDependencies(withMeta));
      return null;
    });
    return NODES.nullNode();
  }

  private static CurrentDependencyInfo info(DependencyRequirement d, DependencyMetadata meta) {
    return d.kind() == DependencyKind.RUNNING
        ? new CurrentDependencyInfo.Running(
            meta.title(), meta.icon(), d.versionRange(), d.healthChecks().orElse(List.of()))
        : new CurrentDependencyInfo.Exists(meta.title(), meta.icon(), d.versionRange());
  }

  /**
   * {@code T.CheckDependenciesResult} per declared dependency (ids not declared are left out, as
   * StartOS does); the tasks are the caller's own tasks on that dependency.
   */
  private JsonNode check(EffectCall c, CheckDependencies p) {
    Optional<PackageDataEntry> self = db.packageEntry(c.packageId());
    Map<String, CurrentDependencyInfo> deps =
        self.map(PackageDataEntry::currentDependencies).orElse(Map.of());
    Map<String, TaskEntry> tasks = self.map(PackageDataEntry::tasks).orElse(Map.of());
    List<String> wanted = p.packageIds().orElseGet(() -> List.copyOf(deps.keySet()));
    Map<String, PackageDataEntry> packages = db.packages();
    ArrayNode out = NODES.arrayNode();
    for (String id : wanted) {
      CurrentDependencyInfo info = deps.get(id);
      if (info == null) {
        continue;
      }
      ObjectNode r = out.addObject();
      r.put("packageId", id);
      r.set("title", info.title().map(DependencyEffects::localized).orElse(NODES.nullNode()));
      ObjectNode own = r.objectNode();
      tasks.forEach((replayId, t) -> {
        if (t.task().packageId().equals(id)) {
          own.set(replayId, ModelJson.encode(t));
        }
      });
      PackageDataEntry dep = packages.get(id);
      ArrayNode satisfies = NODES.arrayNode();
      ObjectNode health = NODES.objectNode();
      if (dep == null) {
        r.putNull("installedVersion");
        r.set("satisfies", satisfies);
        r.put("isRunning", false);
      } else {
        // StartOS reports the version being installed while an install or update runs
        JsonNode manifest = dep.targetManifest();
        r.set("installedVersion", manifest.path("version"));
        manifest.path("satisfies").forEach(satisfies::add);
        r.set("satisfies", satisfies);
        r.put("isRunning", dep.statusInfo().started().isPresent());
        dep.statusInfo().health().forEach((k, v) -> health.set(k, ModelJson.encode(v)));
      }
      r.set("tasks", own);
      r.set("healthChecks", health);
    }
    return out;
  }

  /** A LocaleString title as text: the English entry, else any. */
  private static JsonNode localized(JsonNode title) {
    if (title.isObject()) {
      JsonNode en = title.path("en_US");
      if (!en.isTextual()) {
        en = title.elements().hasNext() ? title.elements().next() : NODES.nullNode();
      }
      return en;
    }
    return title;
  }
}
