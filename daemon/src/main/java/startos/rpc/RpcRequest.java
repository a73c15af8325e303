package startos.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * A parsed JSON-RPC 2.0 request.
 *
 * @param id the request id (string, number or null); echoed in the response
 * @param method the dot-joined StartOS method name
 * @param params the params object (an empty object when the request had none)
 */
public record RpcRequest(JsonNode id, String method, JsonNode params) {
  public RpcRequest {
    id = id == null ? NullNode.getInstance() : id;
    Objects.requireNonNull(method, "method");
    params = params == null || params.isNull() ? JsonNodeFactory.instance.objectNode() : params;
  }

  /**
   * Reads a request envelope.
   *
   * @throws ProtocolException (-32600) when the JSON is not a single JSON-RPC request
   */
  public static RpcRequest parse(JsonNode body) {
    if (body.isArray()) {
      throw new ProtocolException(
          StandardError.INVALID_REQUEST, "batch requests are not supported: send one request");
    }
    if (!(body instanceof ObjectNode request)) {
      throw new ProtocolException(
          StandardError.INVALID_REQUEST,
          "a request must be a JSON object, got " + Params.describe(body));
    }
    JsonNode version = request.get("jsonrpc");
    if (version != null && !(version.isTextual() && version.asText().equals("2.0"))) {
      throw new ProtocolException(
          StandardError.INVALID_REQUEST, "'jsonrpc' must be \"2.0\", got " + version);
    }
    JsonNode id = request.get("id");
    if (id != null && !(id.isTextual() || id.isNumber() || id.isNull())) {
      throw new ProtocolException(
          StandardError.INVALID_REQUEST,
          "'id' must be a string, a number or null, got " + Params.describe(id));
    }
    JsonNode method = request.get("method");
    if (method == null || !method.isTextual() || method.asText().isEmpty()) {
      throw new ProtocolException(
          StandardError.INVALID_REQUEST,
          "'method' must be a non-empty string, got " + Params.describe(method));
    }
    return new RpcRequest(id, method.asText(), request.get("params"));
  }

  /** The id of a request that may not have parsed fully, for the error response. */
  public static JsonNode idOf(JsonNode body) {
    JsonNode id = body instanceof ObjectNode o ? o.get("id") : null;
    return id != null && (id.isTextual() || id.isNumber()) ? id : NullNode.getInstance();
  }
}
