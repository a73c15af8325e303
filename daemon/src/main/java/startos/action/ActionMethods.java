package startos.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import startos.rpc.Params;
import startos.rpc.ProtocolException;
import startos.rpc.RpcRouter;

/**
 * The user's action methods: {@code package.action.get-input}, {@code package.action.run}, {@code
 * package.action.clear-task} (StartOS's names and params). Everything a client sends is untrusted
 * and checked here or in {@link PackageActions}.
 */
public final class ActionMethods {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String ID = "[a-z0-9]+(-[a-z0-9]+)*";
  private static final int MAX_ID_CHARS = 255;

  private final PackageActions actions;

  public ActionMethods(PackageActions actions) {
    this.actions = actions;
  }

  public void register(RpcRouter r) {
    r.register(
        "package.action.get-input",
        (p, c) -> {
          Params params = Params.of(p);
          return actions
              .getInput(
                  ActionCaller.USER,
                  id(params, "packageId"),
                  id(params, "actionId"),
                  PackageActions.newEventId())
              .<JsonNode>map(f -> f)
              .orElse(NODES.nullNode());
        });
    r.register(
        "package.action.run",
        (p, c) -> {
          Params params = Params.of(p);
          String eventId = params.optionalString("eventId").orElseGet(PackageActions::newEventId);
          return actions.run(
              ActionCaller.USER,
              id(params, "packageId"),
              id(params, "actionId"),
              params.optionalValue("input").orElse(NODES.nullNode()),
              eventId);
        });
    r.register(
        "package.action.clear-task",
        (p, c) -> {
          Params params = Params.of(p);
          String replayId = params.string("replayId");
          if (replayId.isEmpty() || replayId.length() > 4096) {
            throw ProtocolException.invalidParams("replayId must be 1 to 4096 characters");
          }
          actions.clearTask(id(params, "packageId"), replayId, params.bool("force", false));
          return NODES.nullNode();
        });
  }

  /** A package or action id: StartOS's id shape, so nothing else reaches a lookup or a path. */
  static String id(Params params, String name) {
    String v = params.string(name);
    if (v.length() > MAX_ID_CHARS || !v.matches(ID)) {
      throw ProtocolException.invalidParams(
          "'" + name + "' must be an id (lowercase letters and digits joined by dashes)");
    }
    return v;
  }
}
