package startos.dependency;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import startos.model.CurrentDependencyInfo;
import startos.model.PackageDataEntry;

/** Declarations that would close a dependency cycle are found, with the cycle named. */
class DependencyGraphTest {
  private static PackageDataEntry dependsOn(String id, String... deps) {
    PackageDataEntry e = DependencyCheckTest.installed(id, "1.0.0:0");
    java.util.Map<String, CurrentDependencyInfo> m = new java.util.LinkedHashMap<>();
    for (String d : deps) {
      m.put(d, new CurrentDependencyInfo.Exists(Optional.empty(), Optional.empty(), "*"));
    }
    return e.withCurrentDependencies(m);
  }

  @Test
  void aDependencyOnItselfIsACycle() {
    assertThat(DependencyGraph.cycle("a", List.of("a"), Map.of())).contains(List.of("a", "a"));
  }

  @Test
  void aDependencyOnAPackageThatDependsBackIsACycle() {
    Map<String, PackageDataEntry> all = Map.of("b", dependsOn("b", "c"), "c", dependsOn("c", "a"));
    assertThat(DependencyGraph.cycle("a", List.of("b"), all)).contains(List.of("a", "b", "c", "a"));
  }

  @Test
  void aDiamondIsNoCycle() {
    Map<String, PackageDataEntry> all =
        Map.of("b", dependsOn("b", "d"), "c", dependsOn("c", "d"), "d", dependsOn("d"));
    assertThat(DependencyGraph.cycle("a", List.of("b", "c", "missing"), all)).isEmpty();
  }
}
