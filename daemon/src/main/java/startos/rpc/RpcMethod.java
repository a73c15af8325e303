package startos.rpc;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One JSON-RPC method. Called on a virtual thread; may block. Throws {@link RpcException} for
 * errors the caller should see; anything else becomes an Unknown error with its message.
 */
@FunctionalInterface
public interface RpcMethod {
  /**
   * @param params the request's params (an empty object when absent)
   * @param caller who is calling
   * @return the result (never Java null; use a JSON null node)
   */
  JsonNode call(JsonNode params, Caller caller);
}
