package startos.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * What a task asks: run {@code actionId} of {@code packageId} ({@code T.Task}). {@code reason},
 * {@code when} and {@code input} are optional in StartOS's type: absent, never null, when unset.
 *
 * @param when a JSON {@code TaskTrigger} ({@code {once, condition}})
 * @param input a JSON {@code TaskInput} (the values the action should be run with)
 */
public record Task(
    String packageId,
    String actionId,
    Severity severity,
    @JsonInclude(JsonInclude.Include.NON_ABSENT) Optional<String> reason,
    @JsonInclude(JsonInclude.Include.NON_ABSENT) Optional<JsonNode> when,
    @JsonInclude(JsonInclude.Include.NON_ABSENT) Optional<JsonNode> input) {

  public Task {
    reason = reason == null ? Optional.empty() : reason;
    when = ModelJson.tree(when);
    input = ModelJson.tree(input);
  }

  /** {@code T.TaskSeverity}. */
  public enum Severity {
    @JsonProperty("optional")
    OPTIONAL,
    @JsonProperty("important")
    IMPORTANT,
    @JsonProperty("critical")
    CRITICAL
  }
}
