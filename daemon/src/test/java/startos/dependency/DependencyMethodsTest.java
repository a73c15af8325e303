package startos.dependency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import startos.model.CurrentDependencyInfo;
import startos.model.Database;
import startos.model.PackageDataEntry;
import startos.model.PackageState;
import startos.patchdb.PatchDb;

/** {@code package.dependency.check}: both directions, and a required dependency never declared. */
class DependencyMethodsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aDependencyAndItsDependentsAreReportedWithWhatIsUnmet() {
    try (PatchDb raw = PatchDb.inMemory()) {
      Database db = new Database(raw);
      ObjectNode manifest = JSON.createObjectNode().put("id", "dependent").put("version", "1:0");
      manifest.putObject("dependencies").putObject("bitcoind").put("optional", false);
      manifest.with("dependencies").putObject("electrs").put("optional", true);
      PackageDataEntry dependent =
          PackageDataEntry.fresh(new PackageState.Installed(manifest), "", "", "")
              .withCurrentDependencies(
                  Map.of(
                      "hello",
                      new CurrentDependencyInfo.Running(
                          Optional.empty(), Optional.empty(), ">=1.0.0:0", List.of("primary"))));
      db.mutate(tx -> {
        tx.putPackage("dependent", dependent);
        tx.putPackage("hello", DependencyCheckTest.installed("hello", "1.1.0:0"));
        return null;
      });
      DependencyMethods m = new DependencyMethods(db);
      JsonNode mine = m.check("dependent");
      assertThat(mine.path("dependencies").toString())
          .contains(
              "{\"id\":\"hello\",\"kind\":\"running\",\"satisfied\":false,"
                  + "\"problem\":\"hello is not running\"}")
          .contains(
              "{\"id\":\"bitcoind\",\"kind\":\"required\",\"satisfied\":false,"
                  + "\"problem\":\"bitcoind is not installed\"}")
          .doesNotContain("electrs");
      assertThat(m.check("hello").path("dependents").toString())
          .isEqualTo(
              "[{\"id\":\"dependent\",\"kind\":\"running\",\"satisfied\":false,"
                  + "\"problem\":\"hello is not running\"}]");
      assertThatThrownBy(() -> m.check("nope")).hasMessageContaining("nope is not installed");
    }
  }
}
