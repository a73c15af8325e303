package startos.effects;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import startos.action.ActionCaller;
import startos.action.PackageActions;
import startos.effects.ActionParams.ClearActions;
import startos.effects.ActionParams.ClearTasks;
import startos.effects.ActionParams.CreateTaskParams;
import startos.effects.ActionParams.ExportAction;
import startos.effects.ActionParams.GetActionInput;
import startos.effects.ActionParams.RunAction;
import startos.model.ActionMetadata;
import startos.model.Database;
import startos.model.ModelJson;
import startos.rpc.ProtocolException;

/**
 * {@code action.export}, {@code action.clear}, {@code action.get-input}, {@code action.run} and the
 * tasks ({@code action.create-task}, {@code action.clear-tasks}): the package's actions and the
 * tasks it asks for, in the database; running actions (its own, or another package's as their
 * {@code access} allows) through {@link PackageActions}. The caller is the package host.sock
 * identified; everything it sends is untrusted.
 */
final class ActionEffects {
  private final Database db;
  private final PackageActions actions;

  ActionEffects(Database db, PackageActions actions) {
    this.db = db;
    this.actions = actions;
  }

  void register(EffectTable t) {
    t.register("action.export", this::export, ExportAction.class);
    t.register("action.clear", this::clear, ClearActions.class);
    t.register("action.get-input", this::getInput, GetActionInput.class);
    t.register("action.run", this::run, RunAction.class);
    t.register("action.create-task", this::createTask, CreateTaskParams.class);
    t.register("action.clear-tasks", this::clearTasks, ClearTasks.class);
  }

  private JsonNode export(EffectCall c, ExportAction p) {
    ActionMetadata meta;
    try {
      meta = ModelJson.decode(p.metadata(), ActionMetadata.class);
    } catch (RuntimeException e) {
      throw ProtocolException.invalidParams(
          "parameter 'metadata' is not an ActionMetadata: " + e.getMessage());
    }
    db.mutate(tx -> {
      var entry = tx.requirePackage(c.packageId());
      if (!entry.actions().containsKey(p.id())) {
        EffectLimits.requireBelow(
            entry.actions().size(),
            EffectLimits.MAX_ACTIONS,
            "actions",
            "remove some with action.clear before adding more");
      }
      tx.putPackage(
          c.packageId(), entry.withActions(ModelJson.with(entry.actions(), p.id(), meta)));
      return null;
    });
    return EffectTable.nothing();
  }

  private JsonNode clear(EffectCall c, ClearActions p) {
    Set<String> keep = new HashSet<>(p.except());
    db.updatePackage(
        c.packageId(),
        e -> {
          Map<String, ActionMetadata> kept = new java.util.LinkedHashMap<>();
          e.actions()
              .forEach((k, v) -> {
                if (keep.contains(k)) {
                  kept.put(k, v);
                }
              });
          return e.withActions(kept);
        });
    return EffectTable.nothing();
  }

  private JsonNode getInput(EffectCall c, GetActionInput p) {
    return actions
        .getInput(
            new ActionCaller.Package(c.packageId()),
            p.packageId().orElse(c.packageId()),
            p.actionId(),
            c.eventId().orElseGet(PackageActions::newEventId))
        .<JsonNode>map(f -> f)
        .orElse(EffectTable.nothing());
  }

  private JsonNode run(EffectCall c, RunAction p) {
    return actions.run(
        new ActionCaller.Package(c.packageId()),
        p.packageId().orElse(c.packageId()),
        p.actionId(),
        p.input().orElse(EffectTable.nothing()),
        PackageActions.newEventId());
  }

  private JsonNode createTask(EffectCall c, CreateTaskParams p) {
    actions.createTask(c.packageId(), p.replayId(), p.task());
    return EffectTable.nothing();
  }

  private JsonNode clearTasks(EffectCall c, ClearTasks p) {
    actions.clearTasks(c.packageId(), new HashSet<>(p.ids()), p.dropsListed());
    return EffectTable.nothing();
  }
}
