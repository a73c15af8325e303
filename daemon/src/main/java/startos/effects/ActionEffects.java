package startos.effects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.Set;
import startos.patchdb.PatchDb;
import startos.rpc.Params;
import startos.rpc.ProtocolException;

/** {@code action.export} and {@code action.clear}: the package's actions in the database. */
final class ActionEffects {
  private final PatchDb db;

  ActionEffects(PatchDb db) {
    this.db = db;
  }

  void register(EffectTable t) {
    t.register(
        "action.export",
        c -> {
          Params p = c.params();
          String id = ControlEffects.checkId(p.string("id"), "id");
          JsonNode metadata = p.value("metadata");
          if (!metadata.isObject() || !metadata.path("name").isTextual()) {
            throw ProtocolException.invalidParams(
                "parameter 'metadata' must be an ActionMetadata object with a 'name'");
          }
          EffectLimits.requireStorable(metadata, "the metadata of action " + id);
          db.mutate(root -> {
            ObjectNode entry = PackageData.require(root, c.packageId());
            ObjectNode actions = PackageData.object(entry, "actions");
            if (!actions.has(id)) {
              EffectLimits.requireBelow(
                  actions.size(),
                  EffectLimits.MAX_ACTIONS,
                  "actions",
                  "remove some with action.clear before adding more");
            }
            actions.set(id, metadata.deepCopy());
            return null;
          });
          return JsonNodeFactory.instance.nullNode();
        });
    t.register(
        "action.clear",
        c -> {
          Set<String> keep = new HashSet<>(c.params().stringList("except"));
          db.mutate(root -> {
            ObjectNode actions =
                PackageData.object(PackageData.require(root, c.packageId()), "actions");
            actions.retain(keep);
            return null;
          });
          return JsonNodeFactory.instance.nullNode();
        });
  }
}
