package startos.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** What a call came to: a result or an error. */
public sealed interface RpcOutcome {
  record Success(JsonNode result) implements RpcOutcome {}

  record Failure(RpcError error) implements RpcOutcome {}

  /** The full response envelope for a request id. */
  default ObjectNode toResponse(JsonNode id) {
    ObjectNode response = JsonNodeFactory.instance.objectNode();
    response.put("jsonrpc", "2.0");
    response.set("id", id);
    switch (this) {
      case Success s -> response.set("result", s.result());
      case Failure f -> response.set("error", f.error().toJson());
    }
    return response;
  }
}
