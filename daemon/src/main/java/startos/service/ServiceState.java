package startos.service;

import java.time.Instant;

/** Where a service's container and main are; the database's statusInfo mirrors it. */
public sealed interface ServiceState {
  /** No container: not booted yet, or shut down. */
  record Down() implements ServiceState {}

  /** Container up and initialized; main not running. */
  record Idle() implements ServiceState {}

  /** Main running since {@code since}. */
  record Running(Instant since) implements ServiceState {}

  /** The container could not start or died; {@code reason} is what the user sees. */
  record Failed(String reason) implements ServiceState {}

  /** Whether the container is up and its runtime initialized, main running or not. */
  default boolean containerUp() {
    return switch (this) {
      case Down d -> false;
      case Idle i -> true;
      case Running r -> true;
      case Failed f -> false;
    };
  }

  /** Whether main runs (as far as startd knows: a crash may be waiting to be handled). */
  default boolean mainRunning() {
    return switch (this) {
      case Down d -> false;
      case Idle i -> false;
      case Running r -> true;
      case Failed f -> false;
    };
  }

  /** Whether the last boot failed or the runtime crashed (a crash recovery may be pending). */
  default boolean failed() {
    return switch (this) {
      case Down d -> false;
      case Idle i -> false;
      case Running r -> false;
      case Failed f -> true;
    };
  }

  default String word() {
    return switch (this) {
      case Down d -> "down";
      case Idle i -> "stopped";
      case Running r -> "running";
      case Failed f -> "failed";
    };
  }
}
