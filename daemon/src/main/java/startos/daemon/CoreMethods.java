package startos.daemon;

import com.fasterxml.jackson.databind.node.TextNode;
import java.util.function.Supplier;
import startos.rpc.Access;
import startos.rpc.Params;
import startos.rpc.RpcRouter;

/** {@code echo} and {@code state}: public, answer before setup too. */
final class CoreMethods {
  private final Supplier<String> state;

  /**
   * @param state "initializing", "running" or "error", as StartOS's ApiState
   */
  CoreMethods(Supplier<String> state) {
    this.state = state;
  }

  void register(RpcRouter router) {
    router.register(
        "echo", Access.PUBLIC, (p, c) -> TextNode.valueOf(Params.of(p).string("message")));
    router.register("state", Access.PUBLIC, (p, c) -> TextNode.valueOf(state.get()));
  }
}
