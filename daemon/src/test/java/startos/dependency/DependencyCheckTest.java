package startos.dependency;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import startos.model.CurrentDependencyInfo;
import startos.model.DesiredStatus;
import startos.model.HealthCheckResult;
import startos.model.PackageDataEntry;
import startos.model.PackageState;
import startos.model.StatusInfo;
import startos.model.Task;
import startos.model.TaskEntry;

/** Each rule of dependency satisfaction, as StartOS's UI applies them, one at a time. */
class DependencyCheckTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static PackageDataEntry installed(String id, String version, String... satisfies) {
    ObjectNode m = JSON.createObjectNode().put("id", id).put("version", version);
    for (String s : satisfies) {
      m.withArray("satisfies").add(s);
    }
    return PackageDataEntry.fresh(new PackageState.Installed(m), "", "", "");
  }

  static PackageDataEntry running(PackageDataEntry e, HealthCheckResult.Result primary) {
    return e.withStatusInfo(
        new StatusInfo(
            Map.of("primary", HealthCheckResult.of("Web", primary, Optional.of("m"))),
            Optional.empty(),
            Optional.of(java.time.Instant.EPOCH),
            new DesiredStatus.Running()));
  }

  static PackageDataEntry dependent(String range) {
    return installed("dependent", "1.0.0:0")
        .withCurrentDependencies(
            Map.of(
                "hello",
                new CurrentDependencyInfo.Running(
                    Optional.empty(), Optional.empty(), range, List.of("primary"))));
  }

  private static List<Unmet> unmet(PackageDataEntry dependent, PackageDataEntry hello) {
    Map<String, PackageDataEntry> all = new HashMap<>();
    all.put("dependent", dependent);
    if (hello != null) {
      all.put("hello", hello);
    }
    return DependencyCheck.unmet(dependent, all);
  }

  @Test
  void aRunningHealthyDependencyInRangeIsSatisfied() {
    assertThat(
            unmet(
                dependent(">=1.0.0:0"),
                running(installed("hello", "1.1.0:0"), HealthCheckResult.Result.SUCCESS)))
        .isEmpty();
  }

  @Test
  void aMissingDependencyIsNotInstalled() {
    assertThat(unmet(dependent(">=1.0.0:0"), null))
        .singleElement()
        .satisfies(u -> assertThat(u.message()).isEqualTo("hello is not installed"));
  }

  @Test
  void aDependencyOutOfRangeNamesBothVersions() {
    assertThat(
            unmet(
                dependent(">=2.0.0:0"),
                running(installed("hello", "1.1.0:0"), HealthCheckResult.Result.SUCCESS)))
        .singleElement()
        .satisfies(u ->
            assertThat(u.message())
                .isEqualTo("hello 1.1.0:0 is installed, but >=2.0.0:0 is required"));
  }

  @Test
  void aSatisfiesEntryInRangeCounts() {
    assertThat(
            unmet(
                dependent(">=2.0.0:0"),
                running(
                    installed("hello", "1.1.0:0", "2.0.0:0"), HealthCheckResult.Result.SUCCESS)))
        .isEmpty();
  }

  @Test
  void aStoppedDependencyIsNotRunning() {
    assertThat(unmet(dependent(">=1.0.0:0"), installed("hello", "1.1.0:0")))
        .singleElement()
        .isInstanceOf(Unmet.NotRunning.class);
  }

  @Test
  void aFailingNamedHealthCheckIsUnmet() {
    assertThat(
            unmet(
                dependent(">=1.0.0:0"),
                running(installed("hello", "1.1.0:0"), HealthCheckResult.Result.LOADING)))
        .singleElement()
        .satisfies(u ->
            assertThat(u.message())
                .isEqualTo("health check primary of hello is loading, not success"));
  }

  @Test
  void anExistsDependencyNeedsNoRunningService() {
    PackageDataEntry d =
        installed("dependent", "1.0.0:0")
            .withCurrentDependencies(
                Map.of(
                    "hello",
                    new CurrentDependencyInfo.Exists(Optional.empty(), Optional.empty(), "*")));
    assertThat(unmet(d, installed("hello", "1.1.0:0"))).isEmpty();
  }

  @Test
  void anActiveCriticalTaskOnTheDependencyIsUnmet() {
    PackageDataEntry d =
        dependent("*")
            .withTasks(
                Map.of(
                    "r",
                    new TaskEntry(
                        new Task(
                            "hello",
                            "configure",
                            Task.Severity.CRITICAL,
                            Optional.empty(),
                            Optional.empty(),
                            Optional.empty()),
                        true)));
    assertThat(unmet(d, running(installed("hello", "1.1.0:0"), HealthCheckResult.Result.SUCCESS)))
        .singleElement()
        .isInstanceOf(Unmet.TaskRequired.class);
  }

  @Test
  void anUnreadableRangeIsUnmetAndSaysWhy() {
    assertThat(
            unmet(
                dependent(">=one"),
                running(installed("hello", "1.1.0:0"), HealthCheckResult.Result.SUCCESS)))
        .singleElement()
        .satisfies(u -> assertThat(u.message()).contains("Version range \">=one\" is invalid"));
  }
}
