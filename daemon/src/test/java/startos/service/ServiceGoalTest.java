package startos.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import startos.service.ServiceGoal.Transition;

/** The transition table of the service's loop: every goal is reached, and only by what it needs. */
class ServiceGoalTest {
  private static final List<ServiceState> STATES =
      List.of(
          new ServiceState.Down(),
          new ServiceState.Idle(),
          new ServiceState.Running(Instant.EPOCH),
          new ServiceState.Failed("crashed"));

  @Test
  void everyGoalIsReachedFromEveryStateInAtMostTwoTransitions() {
    for (ServiceGoal goal : ServiceGoal.values()) {
      for (ServiceState from : STATES) {
        List<Transition> path = walk(from, goal);
        assertThat(path).as("%s toward %s", from, goal).hasSizeLessThanOrEqualTo(2);
        ServiceState end = apply(from, path);
        switch (goal) {
          case RUNNING -> assertThat(end.mainRunning()).isTrue();
          case IDLE -> assertThat(end).isEqualTo(new ServiceState.Idle());
          case MAIN_STOPPED -> assertThat(end.mainRunning()).isFalse();
          case DOWN -> assertThat(end).isEqualTo(new ServiceState.Down());
        }
      }
    }
  }

  @Test
  void aStopNeverBootsAServiceThatIsDownOrFailed() {
    assertThat(walk(new ServiceState.Down(), ServiceGoal.MAIN_STOPPED)).isEmpty();
    assertThat(walk(new ServiceState.Failed("crashed"), ServiceGoal.MAIN_STOPPED)).isEmpty();
  }

  @Test
  void aStartOfAFailedServiceBootsAFreshContainerFirst() {
    assertThat(walk(new ServiceState.Failed("crashed"), ServiceGoal.RUNNING))
        .containsExactly(Transition.BOOT, Transition.START_MAIN);
  }

  @Test
  void goingDownClearsWhatAFailedBootLeftBehind() {
    assertThat(walk(new ServiceState.Failed("crashed"), ServiceGoal.DOWN))
        .containsExactly(Transition.TEAR_DOWN);
    assertThat(walk(new ServiceState.Down(), ServiceGoal.DOWN)).isEmpty();
  }

  /** The transitions the loop runs when each one succeeds. */
  private static List<Transition> walk(ServiceState from, ServiceGoal goal) {
    List<Transition> path = new ArrayList<>();
    ServiceState at = from;
    for (int i = 0; i < 5; i++) {
      Transition t = goal.next(at);
      if (t == Transition.DONE) {
        return path;
      }
      path.add(t);
      at = apply(at, List.of(t));
    }
    throw new AssertionError(from + " toward " + goal + " does not converge: " + path);
  }

  private static ServiceState apply(ServiceState from, List<Transition> path) {
    ServiceState at = from;
    for (Transition t : path) {
      at =
          switch (t) {
            case DONE -> at;
            case BOOT -> new ServiceState.Idle();
            case START_MAIN -> new ServiceState.Running(Instant.EPOCH);
            case STOP_MAIN -> new ServiceState.Idle();
            case TEAR_DOWN -> new ServiceState.Down();
          };
    }
    return at;
  }
}
