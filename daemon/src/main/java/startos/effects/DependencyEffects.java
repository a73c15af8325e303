package startos.effects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import startos.patchdb.PatchDb;
import startos.rpc.Params;
import startos.rpc.ProtocolException;

/**
 * Dependencies as records ({@code currentDependencies}), tasks as records ({@code tasks}) and the
 * backup progress; what a package declares is kept, nothing is enforced yet.
 */
final class DependencyEffects {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final PatchDb db;

  DependencyEffects(PatchDb db) {
    this.db = db;
  }

  void register(EffectTable t) {
    t.register("set-dependencies", this::setDependencies);
    t.register(
        "get-dependencies",
        c -> {
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
        });
    t.register("check-dependencies", this::check);
    t.register(
        "set-backup-progress",
        c -> {
          c.params().value("progress");
          return NODES.nullNode();
        });
    t.register(
        "action.create-task",
        c -> {
          Params p = c.params();
          String replayId = p.string("replayId");
          ControlEffects.checkId(p.string("packageId"), "packageId");
          ControlEffects.checkId(p.string("actionId"), "actionId");
          String severity = p.string("severity");
          if (!Set.of("critical", "important", "optional").contains(severity)) {
            throw ProtocolException.invalidParams(
                "parameter 'severity' must be critical, important or optional, got \""
                    + severity
                    + "\"");
          }
          ObjectNode task = ((ObjectNode) c.raw()).deepCopy();
          task.remove("eventId");
          EffectLimits.requireText(replayId, "the task's replayId");
          EffectLimits.requireStorable(task, "the task " + replayId);
          db.mutate(root -> {
            ObjectNode tasks =
                PackageData.object(PackageData.require(root, c.packageId()), "tasks");
            if (!tasks.has(replayId)) {
              EffectLimits.requireBelow(
                  tasks.size(),
                  EffectLimits.MAX_TASKS,
                  "tasks",
                  "remove some with action.clear-tasks before adding more");
            }
            ObjectNode entry = tasks.putObject(replayId);
            entry.set("task", task);
            entry.put("active", true);
            return null;
          });
          return NODES.nullNode();
        });
    t.register(
        "action.clear-tasks",
        c -> {
          boolean only = c.raw().has("only");
          if (!only && !c.raw().has("except")) {
            throw ProtocolException.invalidParams("action.clear-tasks needs 'only' or 'except'");
          }
          Set<String> ids = new HashSet<>(c.params().stringList(only ? "only" : "except"));
          db.mutate(root -> {
            ObjectNode tasks =
                PackageData.object(PackageData.require(root, c.packageId()), "tasks");
            for (String key : List.copyOf(iterable(tasks))) {
              if (ids.contains(key) == only) {
                tasks.remove(key);
              }
            }
            return null;
          });
          return NODES.nullNode();
        });
  }

  private static List<String> iterable(ObjectNode o) {
    List<String> names = new java.util.ArrayList<>();
    o.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private JsonNode setDependencies(EffectCall c) {
    JsonNode list = c.params().array("dependencies");
    if (list.size() > EffectLimits.MAX_DEPENDENCIES) {
      throw ProtocolException.invalidParams(
          "a package may declare at most "
              + EffectLimits.MAX_DEPENDENCIES
              + " dependencies, got "
              + list.size());
    }
    ObjectNode current = NODES.objectNode();
    for (JsonNode d : list) {
      if (!d.isObject()) {
        throw ProtocolException.invalidParams("every dependency must be an object, got " + d);
      }
      Params p = Params.of(d);
      String id = ControlEffects.checkId(p.string("id"), "dependencies[].id");
      String kind = p.string("kind");
      if (!kind.equals("running") && !kind.equals("exists")) {
        throw ProtocolException.invalidParams(
            "dependency kind must be \"running\" or \"exists\", got \"" + kind + "\"");
      }
      ObjectNode info = current.putObject(id);
      JsonNode dep = db.get(PackageData.pointer(id)).orElse(NODES.missingNode());
      info.set(
          "title", PackageData.manifest(dep).map(m -> m.path("title")).orElse(NODES.nullNode()));
      info.set("icon", dep.path("icon").isTextual() ? dep.get("icon") : NODES.nullNode());
      info.put("versionRange", p.string("versionRange"));
      info.put("kind", kind);
      if (kind.equals("running")) {
        ArrayNode checks = info.putArray("healthChecks");
        p.stringList("healthChecks").forEach(checks::add);
      }
    }
    db.mutate(root -> {
      PackageData.require(root, c.packageId()).set("currentDependencies", current);
      return null;
    });
    return NODES.nullNode();
  }

  private JsonNode check(EffectCall c) {
    JsonNode deps =
        db.get(PackageData.pointer(c.packageId()) + "/currentDependencies")
            .orElse(NODES.objectNode());
    Set<String> wanted = new HashSet<>();
    if (c.raw().hasNonNull("packageIds")) {
      wanted.addAll(c.params().stringList("packageIds"));
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
