package startos.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Optional;

/**
 * An action a package offers ({@code T.ActionMetadata}), exported with {@code action.export}.
 *
 * @param warning shown before it runs; empty: none
 * @param group the header it is listed under; empty: none
 * @param access who may run it through {@code action.run}; absent means {@code user}
 */
public record ActionMetadata(
    String name,
    String description,
    Optional<String> warning,
    Visibility visibility,
    AllowedStatuses allowedStatuses,
    boolean hasInput,
    Optional<String> group,
    @JsonInclude(JsonInclude.Include.NON_ABSENT) Optional<Access> access) {

  public ActionMetadata {
    warning = warning == null ? Optional.empty() : warning;
    group = group == null ? Optional.empty() : group;
    access = access == null ? Optional.empty() : access;
  }

  /** {@code T.AllowedStatuses}. */
  public enum AllowedStatuses {
    @JsonProperty("only-running")
    ONLY_RUNNING,
    @JsonProperty("only-stopped")
    ONLY_STOPPED,
    @JsonProperty("any")
    ANY
  }

  /** {@code T.ActionAccess}. */
  public enum Access {
    @JsonProperty("public")
    PUBLIC,
    @JsonProperty("dependent")
    DEPENDENT,
    @JsonProperty("user")
    USER
  }

  /**
   * {@code T.ActionVisibility}: {@code "enabled"}, {@code "hidden"}, or {@code {disabled: reason}}
   * (shown but not runnable, with the reason).
   */
  public record Visibility(Kind kind, String reason) {
    public static final Visibility ENABLED = new Visibility(Kind.ENABLED, "");
    public static final Visibility HIDDEN = new Visibility(Kind.HIDDEN, "");

    /** The three shapes. */
    public enum Kind {
      ENABLED,
      HIDDEN,
      DISABLED
    }

    public static Visibility disabled(String reason) {
      return new Visibility(Kind.DISABLED, reason);
    }

    @JsonCreator
    static Visibility fromJson(JsonNode json) {
      if (json.isTextual() && json.asText().equals("enabled")) {
        return ENABLED;
      }
      if (json.isTextual() && json.asText().equals("hidden")) {
        return HIDDEN;
      }
      if (json.isObject() && json.size() == 1 && json.path("disabled").isTextual()) {
        return disabled(json.get("disabled").asText());
      }
      throw new IllegalArgumentException(
          "visibility must be \"enabled\", \"hidden\" or {\"disabled\": reason}, not " + json);
    }

    @JsonValue
    JsonNode toJson() {
      JsonNodeFactory nodes = JsonNodeFactory.instance;
      return switch (kind) {
        case ENABLED -> nodes.textNode("enabled");
        case HIDDEN -> nodes.textNode("hidden");
        case DISABLED -> nodes.objectNode().put("disabled", reason);
      };
    }
  }
}
