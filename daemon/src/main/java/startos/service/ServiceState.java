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

  default String word() {
    return switch (this) {
      case Down d -> "down";
      case Idle i -> "stopped";
      case Running r -> "running";
      case Failed f -> "failed";
    };
  }
}
