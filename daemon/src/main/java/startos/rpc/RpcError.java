package startos.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * A JSON-RPC error as StartOS sends it: {@code {code, message, data: {details, debug, info}}},
 * where {@code message} is the kind's meaning and {@code details} the specific sentence.
 */
public record RpcError(int code, String message, String details, String debug, JsonNode info) {
  public RpcError {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(details, "details");
    Objects.requireNonNull(debug, "debug");
    info = info == null ? NullNode.getInstance() : info;
  }

  /** The {@code error} member of a response. */
  public ObjectNode toJson() {
    ObjectNode error = JsonNodeFactory.instance.objectNode();
    error.put("code", code);
    error.put("message", message);
    ObjectNode data = error.putObject("data");
    data.put("details", details);
    data.put("debug", debug);
    data.set("info", info);
    return error;
  }
}
