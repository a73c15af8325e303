package startos.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** A JSON-RPC error as StartOS sends it: {@code {code, message, data: {details, debug, info}}}. */
public record RpcFailure(int code, String message, Optional<String> details) {

  public static RpcFailure of(JsonNode error) {
    int code = error.path("code").asInt(1);
    String message = error.path("message").asText("");
    JsonNode data = error.path("data");
    Optional<String> details =
        data.isTextual()
            ? Optional.of(data.asText())
            : Optional.ofNullable(data.path("details").textValue());
    return new RpcFailure(code, message, details.filter(d -> !d.isBlank()));
  }

  /** {@code "Not Found (error 6): no notification with id 7"}. */
  public String describe() {
    String meaning = message.isBlank() ? ErrorKinds.meaning(code).orElse("Unknown Error") : message;
    String text = meaning + " (error " + code + ")";
    return details.filter(d -> !d.equals(meaning)).map(d -> text + ": " + d).orElse(text);
  }
}
