package startos.effects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import startos.effects.ActionParams.ClearActions;
import startos.effects.ActionParams.ClearTasks;
import startos.effects.ActionParams.CreateTaskParams;
import startos.effects.ActionParams.ExportAction;
import startos.patchdb.PatchDb;

/**
 * {@code action.export}, {@code action.clear} and the tasks ({@code action.create-task}, {@code
 * action.clear-tasks}): the package's actions and the tasks it asks of others, in the database.
 */
final class ActionEffects {
  private final PatchDb db;

  ActionEffects(PatchDb db) {
    this.db = db;
  }

  void register(EffectTable t) {
    t.register("action.export", this::export, ExportAction.class);
    t.register("action.clear", this::clear, ClearActions.class);
    t.register("action.create-task", this::createTask, CreateTaskParams.class);
    t.register("action.clear-tasks", this::clearTasks, ClearTasks.class);
  }

  private JsonNode export(EffectCall c, ExportAction p) {
    db.mutate(root -> {
      ObjectNode actions = PackageData.object(PackageData.require(root, c.packageId()), "actions");
      if (!actions.has(p.id())) {
        EffectLimits.requireBelow(
            actions.size(),
            EffectLimits.MAX_ACTIONS,
            "actions",
            "remove some with action.clear before adding more");
      }
      actions.set(p.id(), p.metadata().deepCopy());
      return null;
    });
    return EffectTable.nothing();
  }

  private JsonNode clear(EffectCall c, ClearActions p) {
    Set<String> keep = new HashSet<>(p.except());
    db.mutate(root -> {
      PackageData.object(PackageData.require(root, c.packageId()), "actions").retain(keep);
      return null;
    });
    return EffectTable.nothing();
  }

  private JsonNode createTask(EffectCall c, CreateTaskParams p) {
    // the task is kept as the package sent it (the UI reads it), less the runtime's event id
    ObjectNode task = ((ObjectNode) c.raw()).deepCopy();
    task.remove("eventId");
    EffectLimits.requireStorable(task, "the task " + p.replayId());
    db.mutate(root -> {
      ObjectNode tasks = PackageData.object(PackageData.require(root, c.packageId()), "tasks");
      if (!tasks.has(p.replayId())) {
        EffectLimits.requireBelow(
            tasks.size(),
            EffectLimits.MAX_TASKS,
            "tasks",
            "remove some with action.clear-tasks before adding more");
      }
      ObjectNode entry = tasks.putObject(p.replayId());
      entry.set("task", task);
      entry.put("active", true);
      return null;
    });
    return EffectTable.nothing();
  }

  private JsonNode clearTasks(EffectCall c, ClearTasks p) {
    Set<String> ids = new HashSet<>(p.ids());
    db.mutate(root -> {
      ObjectNode tasks = PackageData.object(PackageData.require(root, c.packageId()), "tasks");
      List<String> names = new java.util.ArrayList<>();
      tasks.fieldNames().forEachRemaining(names::add);
      for (String key : names) {
        if (ids.contains(key) == p.dropsListed()) {
          tasks.remove(key);
        }
      }
      return null;
    });
    return EffectTable.nothing();
  }
}
