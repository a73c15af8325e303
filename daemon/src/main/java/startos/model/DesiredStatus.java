package startos.model;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** What the user wants of main ({@code T.DesiredStatus}); the word in {@code main} picks it. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "main")
@JsonSubTypes({
  @JsonSubTypes.Type(value = DesiredStatus.Stopped.class, name = "stopped"),
  @JsonSubTypes.Type(value = DesiredStatus.Running.class, name = "running"),
  @JsonSubTypes.Type(value = DesiredStatus.Restarting.class, name = "restarting"),
  @JsonSubTypes.Type(value = DesiredStatus.BackingUp.class, name = "backing-up")
})
public sealed interface DesiredStatus {
  /** Whether main should be running (or running again after a restart). */
  default boolean wantsRunning() {
    return switch (this) {
      case Stopped s -> false;
      case Running r -> true;
      case Restarting r -> true;
      case BackingUp b -> b.onComplete() == StartStop.START;
    };
  }

  record Stopped() implements DesiredStatus {}

  record Running() implements DesiredStatus {}

  /** A restart under way; {@code restartAgain}: another was asked for meanwhile. */
  record Restarting(boolean restartAgain) implements DesiredStatus {}

  /** A backup under way; {@code onComplete} says whether main runs afterwards. */
  record BackingUp(StartStop onComplete) implements DesiredStatus {}
}
