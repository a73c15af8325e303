package startos.service;

/**
 * Where {@link Service}'s loop moves a service, and the one transition that brings it closer from
 * each {@link ServiceState}. {@code statusInfo.desired} is the user's part of the goal: running (or
 * restarting) is {@link #RUNNING}, stopped is {@link #MAIN_STOPPED}; startd adds {@link #IDLE}
 * (rebuild, crash recovery) and {@link #DOWN} (shutdown, update, uninstall).
 *
 * <p>A pure function of its arguments: no lock, no state. The transitions themselves run in {@link
 * Service} under its lock.
 */
enum ServiceGoal {
  /** Main running, the container booted first when it is not up. */
  RUNNING,
  /** The container up and initialized, main not running. */
  IDLE,
  /** Main not running; a container that is down stays down (a stop never boots). */
  MAIN_STOPPED,
  /** No container. */
  DOWN;

  /** One step of the loop. */
  enum Transition {
    /** The goal is reached. */
    DONE,
    /** Down or Failed to Idle: a fresh container whose runtime ran init. */
    BOOT,
    /** Idle to Running: the runtime starts main. */
    START_MAIN,
    /** Running to Idle: the runtime stops main. */
    STOP_MAIN,
    /** Any state to Down: the container and its connections go. */
    TEAR_DOWN
  }

  /** The transition from {@code from} toward this goal. */
  Transition next(ServiceState from) {
    return switch (from) {
      case ServiceState.Down down ->
          switch (this) {
            case RUNNING, IDLE -> Transition.BOOT;
            case MAIN_STOPPED, DOWN -> Transition.DONE;
          };
      case ServiceState.Failed failed ->
          switch (this) {
            case RUNNING, IDLE -> Transition.BOOT;
            case MAIN_STOPPED -> Transition.DONE;
            // what a failed boot or a crash left behind goes too
            case DOWN -> Transition.TEAR_DOWN;
          };
      case ServiceState.Idle idle ->
          switch (this) {
            case RUNNING -> Transition.START_MAIN;
            case IDLE, MAIN_STOPPED -> Transition.DONE;
            case DOWN -> Transition.TEAR_DOWN;
          };
      case ServiceState.Running running ->
          switch (this) {
            case RUNNING -> Transition.DONE;
            case IDLE, MAIN_STOPPED -> Transition.STOP_MAIN;
            // whoever goes down asks the runtime to stop main first (Service#shutdown)
            case DOWN -> Transition.TEAR_DOWN;
          };
    };
  }
}
