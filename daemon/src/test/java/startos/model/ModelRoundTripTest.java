package startos.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import startos.patchdb.PatchDb;

/**
 * The records lose nothing: a real {@code /public} (dumped by {@code DbMatchesSdkTypesE2eTest} with
 * three packages installed, one running and healthy) decodes and encodes back to the same JSON, and
 * a typed update commits only the fields it changed.
 */
class ModelRoundTripTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static ObjectNode publicFixture() throws IOException {
    try (InputStream in = ModelRoundTripTest.class.getResourceAsStream("public-running.json")) {
      return (ObjectNode) JSON.readTree(in);
    }
  }

  @Test
  void everyEntryAndTheServerInfoDecodeAndEncodeToTheSameJson() throws IOException {
    ObjectNode pub = publicFixture();
    for (Map.Entry<String, JsonNode> e : pub.get("packageData").properties()) {
      PackageDataEntry entry = ModelJson.decode(e.getValue(), PackageDataEntry.class);
      assertThat(ModelJson.encode(entry)).as(e.getKey()).isEqualTo(e.getValue());
    }
    ServerInfo info = ModelJson.decode(pub.get("serverInfo"), ServerInfo.class);
    assertThat(ModelJson.encode(info)).isEqualTo(pub.get("serverInfo"));
  }

  @Test
  void statesDecodeToTheirSealedCases() throws IOException {
    ObjectNode pub = publicFixture();
    PackageDataEntry hello =
        ModelJson.decode(pub.at("/packageData/hello-world"), PackageDataEntry.class);
    assertThat(hello.stateInfo()).isInstanceOf(PackageState.Installed.class);
    assertThat(hello.stateInfo().word()).isEqualTo("installed");
    assertThat(hello.statusInfo().desired()).isEqualTo(new DesiredStatus.Running());
    assertThat(hello.statusInfo().started()).isPresent();
    assertThat(hello.statusInfo().health().get("primary").result())
        .isEqualTo(HealthCheckResult.Result.SUCCESS);
    assertThat(hello.hosts().get("ui-multi").bindings().get(80).interfaces()).containsKey("ui");
    assertThat(hello.targetManifest().path("id").asText()).isEqualTo("hello-world");
  }

  @Test
  void aTypedUpdateCommitsOnlyTheFieldsItChanged() throws IOException {
    PatchDb raw = PatchDb.inMemory();
    ObjectNode pub = publicFixture();
    raw.mutate(root -> {
      root.set("public", pub.deepCopy());
      root.putObject("private");
      return null;
    });
    Database db = new Database(raw);
    Instant now = Instant.parse("2026-12-07T21:00:00Z");
    var mutation =
        raw.mutate(root -> {
          new DbTx(root)
              .updatePackage(
                  "hello-world",
                  e ->
                      e.withStatusInfo(
                          e.statusInfo()
                              .withStarted(Optional.of(now))
                              .withError(Optional.of(ErrorData.of("it broke")))));
          return null;
        });
    JsonNode patch = JSON.valueToTree(mutation.revision().orElseThrow().patch());
    assertThat(patch.findValuesAsText("path"))
        .containsExactlyInAnyOrder(
            "/public/packageData/hello-world/statusInfo/started",
            "/public/packageData/hello-world/statusInfo/error");
    PackageDataEntry after = db.packageEntry("hello-world").orElseThrow();
    assertThat(after.statusInfo().started()).contains(now);
    assertThat(raw.get("/public/packageData/hello-world/statusInfo/started").orElseThrow().asText())
        .isEqualTo("2026-12-07T21:00:00Z");
    assertThat(after.statusInfo().error().orElseThrow().details()).isEqualTo("it broke");
  }

  @Test
  void slotsReadTheirAbsentValueAndWriteCreatingParents() {
    Database db = new Database(PatchDb.inMemory());
    assertThat(db.read(Slots.DATA_VERSIONS)).isEmpty();
    db.update(Slots.DATA_VERSIONS, m -> ModelJson.with(m, "hello-world", "1.0.0:0"));
    assertThat(db.read(Slots.DATA_VERSIONS)).containsEntry("hello-world", "1.0.0:0");
    assertThat(db.read(Slots.SETUP_COMPLETE)).isFalse();
  }

  @Test
  void theCheckAcceptsARealDocumentAndNamesWhatDoesNotFit() throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.set("public", publicFixture());
    root.putObject("private");
    ((ObjectNode) root.get("public")).putObject("ui");
    assertThat(ModelCheck.misfit(JSON.createObjectNode(), root)).isEmpty();

    ObjectNode extra = root.deepCopy();
    ((ObjectNode) extra.at("/public/packageData/hello-world")).put("surprise", 1);
    assertThat(ModelCheck.misfit(root, extra))
        .hasValueSatisfying(m -> assertThat(m).contains("hello-world").contains("surprise"));

    ObjectNode badState = root.deepCopy();
    ((ObjectNode) badState.at("/public/packageData/hello-world/stateInfo")).put("state", "dancing");
    assertThat(ModelCheck.misfit(root, badState))
        .hasValueSatisfying(m -> assertThat(m).contains("dancing"));

    ObjectNode leaked = root.deepCopy();
    ((ObjectNode) leaked.at("/public/serverInfo"))
        .set(
            "smtp",
            JSON.createObjectNode()
                .put("host", "mail")
                .put("port", 587)
                .put("from", "a@b")
                .put("username", "u")
                .put("password", "secret")
                .put("security", "starttls"));
    assertThat(ModelCheck.misfit(root, leaked))
        .hasValueSatisfying(m -> assertThat(m).contains("private"));
  }
}
