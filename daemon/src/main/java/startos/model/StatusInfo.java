package startos.model;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A package's run state ({@code T.StatusInfo}).
 *
 * @param health the named health checks' last results, while main runs
 * @param error why the service is not running, after a crash or a failed start
 * @param started when main last started; empty: main is not running
 * @param desired what the user wants, the goal the service converges to
 */
public record StatusInfo(
    Map<String, HealthCheckResult> health,
    Optional<ErrorData> error,
    Optional<Instant> started,
    DesiredStatus desired) {

  public StatusInfo {
    health = ModelJson.map(health);
    error = error == null ? Optional.empty() : error;
    started = started == null ? Optional.empty() : started;
    desired = desired == null ? new DesiredStatus.Stopped() : desired;
  }

  /** Stopped, never started, no error. */
  public static StatusInfo stopped() {
    return new StatusInfo(
        Map.of(), Optional.empty(), Optional.empty(), new DesiredStatus.Stopped());
  }

  public StatusInfo withHealth(Map<String, HealthCheckResult> v) {
    return new StatusInfo(v, error, started, desired);
  }

  public StatusInfo withError(Optional<ErrorData> v) {
    return new StatusInfo(health, v, started, desired);
  }

  public StatusInfo withStarted(Optional<Instant> v) {
    return new StatusInfo(health, error, v, desired);
  }

  public StatusInfo withDesired(DesiredStatus v) {
    return new StatusInfo(health, error, started, v);
  }
}
