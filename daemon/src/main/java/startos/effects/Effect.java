package startos.effects;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One effect a package may call on host.sock. Throws {@link startos.rpc.RpcException} or {@link
 * startos.rpc.ProtocolException} for errors the package should see; anything else is reported as an
 * unknown error with its message.
 */
@FunctionalInterface
public interface Effect {
  /** Never returns Java null; return a JSON null node instead. */
  JsonNode call(EffectCall call);
}
