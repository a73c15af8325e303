package startos.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

/**
 * An error as StartOS shows it ({@code T.ErrorData}).
 *
 * @param details the sentence the user reads
 * @param debug the error's debug text; "" when there is none
 * @param info machine-readable detail; JSON null when there is none
 */
public record ErrorData(String details, String debug, JsonNode info) {
  public ErrorData {
    details = details == null ? "" : details;
    debug = debug == null ? "" : debug;
    info = info == null ? NullNode.getInstance() : info;
  }

  /** An error that is only a sentence. */
  public static ErrorData of(String details) {
    return new ErrorData(details, "", NullNode.getInstance());
  }
}
