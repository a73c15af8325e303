package startos.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

/** A JSON value given on the command line, e.g. {@code db put /ui/theme '"dark"'}. */
public final class JsonArgument {
  private JsonArgument() {}

  /** Parses {@code text}; {@code what} names the argument in the usage error. */
  public static JsonNode parse(String what, String text) {
    try {
      JsonNode node = RpcClient.JSON.readTree(text);
      if (node == null || node.isMissingNode()) {
        throw CliException.usage(what + " is empty; it must be JSON");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw CliException.usage(
          what
              + " is not valid JSON ("
              + e.getOriginalMessage()
              + "); quote strings, e.g. '\"dark\"'");
    }
  }
}
