package startos.effects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import startos.effects.DependencyParams.CheckDependencies;
import startos.effects.DependencyParams.DependencyKind;
import startos.effects.DependencyParams.DependencyRequirement;
import startos.effects.DependencyParams.ProgressParams;
import startos.effects.DependencyParams.SetDependencies;
import startos.patchdb.PatchDb;

/**
 * Dependencies as records ({@code currentDependencies}) and the backup progress; what a package
 * declares is kept, nothing is enforced yet.
 */
final class DependencyEffects {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final PatchDb db;

  DependencyEffects(PatchDb db) {
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
    JsonNode deps =
        db.get(PackageData.pointer(c.packageId()) + "/currentDependencies")
            .orElse(NODES.objectNode());
    deps.properties()
        .forEach(e -> {
          ObjectNode r = out.addObject();
          r.put("kind", e.getValue().path("kind").asText("exists"));
          r.put("id", e.getKey());
          r.set("versionRange", e.getValue().path("versionRange"));
          if (r.path("kind").asText().equals("running")) {
            r.set("healthChecks", e.getValue().path("healthChecks").deepCopy());
          }
        });
    return out;
  }

  private JsonNode setDependencies(EffectCall c, SetDependencies p) {
    ObjectNode current = NODES.objectNode();
    for (DependencyRequirement d : p.dependencies()) {
      ObjectNode info = current.putObject(d.id());
      JsonNode dep = db.get(PackageData.pointer(d.id())).orElse(NODES.missingNode());
      info.set(
          "title", PackageData.manifest(dep).map(m -> m.path("title")).orElse(NODES.nullNode()));
      info.set("icon", dep.path("icon").isTextual() ? dep.get("icon") : NODES.nullNode());
      info.put("versionRange", d.versionRange());
      info.put("kind", EffectParams.wireName(d.kind()));
      if (d.kind() == DependencyKind.RUNNING) {
        ArrayNode checks = info.putArray("healthChecks");
        d.healthChecks().orElse(List.of()).forEach(checks::add);
      }
    }
    db.mutate(root -> {
      PackageData.require(root, c.packageId()).set("currentDependencies", current);
      return null;
    });
    return NODES.nullNode();
  }

  private JsonNode check(EffectCall c, CheckDependencies p) {
    JsonNode deps =
        db.get(PackageData.pointer(c.packageId()) + "/currentDependencies")
            .orElse(NODES.objectNode());
    Set<String> wanted = new HashSet<>();
    if (p.packageIds().isPresent()) {
      wanted.addAll(p.packageIds().get());
    } else {
      deps.fieldNames().forEachRemaining(wanted::add);
    }
    ArrayNode out = NODES.arrayNode();
    for (String id : wanted) {
      JsonNode entry = db.get(PackageData.pointer(id)).orElse(NODES.missingNode());
      boolean installed = PackageData.state(entry).equals("installed");
      ObjectNode r = out.addObject();
      r.put("packageId", id);
      JsonNode manifest = PackageData.manifest(entry).orElse(NODES.nullNode());
      r.set(
          "title",
          manifest.path("title").isMissingNode() ? NODES.nullNode() : manifest.path("title"));
      r.set("installedVersion", installed ? manifest.path("version") : NODES.nullNode());
      ArrayNode satisfies = r.putArray("satisfies");
      manifest.path("satisfies").forEach(satisfies::add);
      r.put("isRunning", installed && entry.path("statusInfo").path("started").isTextual());
      r.set("tasks", entry.path("tasks").isObject() ? entry.get("tasks") : NODES.objectNode());
      ObjectNode health = r.putObject("healthChecks");
      for (Map.Entry<String, JsonNode> h : entry.path("statusInfo").path("health").properties()) {
        health.set(h.getKey(), h.getValue());
      }
    }
    return out;
  }
}
