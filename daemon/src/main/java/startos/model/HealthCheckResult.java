package startos.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Optional;

/**
 * One named health check's result ({@code T.NamedHealthCheckResult}). StartOS requires a message
 * for {@code loading} and {@code failure}; {@link startos.model.HealthCheckResult#of} fills "" when
 * a package sent none.
 */
public record HealthCheckResult(String name, Result result, Optional<String> message) {
  public HealthCheckResult {
    message = message == null ? Optional.empty() : message;
  }

  /** A result with the message StartOS's type demands for its word. */
  public static HealthCheckResult of(String name, Result result, Optional<String> message) {
    boolean required = result == Result.LOADING || result == Result.FAILURE;
    return new HealthCheckResult(
        name, result, required && message.isEmpty() ? Optional.of("") : message);
  }

  /** {@code T.HealthCheckResult}'s words. */
  public enum Result {
    @JsonProperty("success")
    SUCCESS,
    @JsonProperty("disabled")
    DISABLED,
    @JsonProperty("starting")
    STARTING,
    @JsonProperty("waiting")
    WAITING,
    @JsonProperty("loading")
    LOADING,
    @JsonProperty("failure")
    FAILURE
  }
}
