package startos.setup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import startos.model.Database;
import startos.patchdb.PatchDb;

class InitialDbTest {
  @Test
  void aNewDatabaseGetsThePublicShapeTheUiReads() {
    PatchDb db = PatchDb.inMemory();
    assertThat(InitialDb.ensure(new Database(db))).isTrue();

    JsonNode pub = db.get("/public").orElseThrow();
    assertThat(pub.get("packageData").isObject()).isTrue();
    assertThat(pub.at("/ui/startosRegistry").asText()).isEqualTo("https://registry.start9.com/");
    JsonNode info = pub.get("serverInfo");
    assertThat(info.get("version").asText()).isEqualTo("0.4.0");
    assertThat(info.get("unreadNotificationCount").asInt()).isZero();
    assertThat(info.get("lastBackup").isNull()).isTrue();
    assertThat(info.at("/statusInfo/shuttingDown").asBoolean()).isFalse();
    assertThat(info.at("/statusInfo/restart").isNull()).isTrue();
    assertThat(info.at("/statusInfo/backupProgress").isNull()).isTrue();
    assertThat(info.at("/network/wifi/ssids").isArray()).isTrue();
    assertThat(info.at("/network/host/bindings/80/net/assignedSslPort").asInt()).isEqualTo(443);
    assertThat(info.at("/network/acme/letsencrypt/contact").isArray()).isTrue();
    assertThat(info.at("/network/gateways").isObject()).isTrue();
    assertThat(info.get("smtp").isNull()).isTrue();
    assertThat(info.get("devices").isArray()).isTrue();
    assertThat(info.fieldNames())
        .toIterable()
        .contains(
            "id",
            "name",
            "hostname",
            "packageVersionCompat",
            "postInitMigrationTodos",
            "pubkey",
            "caFingerprint",
            "ntpSynced",
            "zram",
            "governor",
            "echoipUrls",
            "ram",
            "kiosk",
            "language",
            "keyboard");
    assertThat(db.get("/private/notifications").orElseThrow().isObject()).isTrue();
    assertThat(db.get("/private/keyStore/localCerts").orElseThrow().isObject()).isTrue();
  }

  @Test
  void ensuringAgainNeverOverwritesWhatIsThere() {
    PatchDb db = PatchDb.inMemory();
    InitialDb.ensure(new Database(db));
    db.mutate(root -> {
      ((ObjectNode) root.at("/public/serverInfo"))
          .put("unreadNotificationCount", 7)
          .put("hostname", "kept-name");
      return null;
    });
    long sequence = db.sequence();

    assertThat(InitialDb.ensure(new Database(db))).isFalse();
    assertThat(db.sequence()).isEqualTo(sequence);
    assertThat(db.get("/public/serverInfo/unreadNotificationCount").orElseThrow().asInt())
        .isEqualTo(7);
    assertThat(db.get("/public/serverInfo/hostname").orElseThrow().asText()).isEqualTo("kept-name");
  }

  @Test
  void bootClearsProgressAndShutdownLeftByAPreviousRun() {
    PatchDb db = PatchDb.inMemory();
    InitialDb.ensure(new Database(db));
    db.mutate(root -> {
      ObjectNode status = (ObjectNode) root.at("/public/serverInfo/statusInfo");
      status.put("shuttingDown", true).put("restart", "mdns");
      status.putObject("backupProgress").put("overall", false);
      ((ObjectNode) root.at("/public/serverInfo")).put("hostname", "kept-name");
      return null;
    });

    InitialDb.boot(new Database(db));

    JsonNode status = db.get("/public/serverInfo/statusInfo").orElseThrow();
    assertThat(status.get("shuttingDown").asBoolean()).isFalse();
    assertThat(status.get("restart").isNull()).isTrue();
    assertThat(status.get("backupProgress").isNull()).isTrue();
    assertThat(db.get("/public/serverInfo/hostname").orElseThrow().asText()).isEqualTo("kept-name");
  }

  @Test
  void bootTakesThePasswordHashOutOfThePublicDataOfAnOlderDatabase() {
    PatchDb db = PatchDb.inMemory();
    InitialDb.ensure(new Database(db));
    db.mutate(root -> {
      ((ObjectNode) root.at("/public/serverInfo")).put("passwordHash", "$argon2id$old");
      ((ObjectNode) root.get("private")).put("password", "$argon2id$old");
      return null;
    });

    InitialDb.boot(new Database(db));

    assertThat(db.get("/public/serverInfo/passwordHash")).isEmpty();
    assertThat(db.get("/private/password").orElseThrow().asText()).isEqualTo("$argon2id$old");
  }

  /**
   * An entry as startd wrote it before its shape was checked against the SDK's types: boot brings
   * it to StartOS's shape and keeps its data version, privately.
   */
  @Test
  void bootBringsAPackageEntryOfAnEarlierStartdToStartOsShape() throws Exception {
    PatchDb db = PatchDb.inMemory();
    InitialDb.ensure(new Database(db));
    String old =
        """
        {"stateInfo": {"state": "installed", "manifest": {"id": "dep-watcher",
           "dependencies": {"hello-world": {"description": null, "optional": false}}}},
         "statusInfo": {"health": {}, "started": null, "desired": {"main": "running"},
           "error": {"details": "the runtime exited", "debug": null, "info": null}},
         "hosts": {"ui": {"bindings": {"80": {"enabled": true,
           "options": {"preferredExternalPort": 80, "secure": {"ssl": false, "x": 1},
             "addSsl": {"preferredExternalPort": 443, "scheme": "https", "alpn": null,
               "addXForwardedHeaders": true, "auth": null}},
           "net": {"assignedPort": 50000, "assignedSslPort": 50001},
           "addresses": {"enabled": [], "disabled": [], "guaAccess": {}, "available": []},
           "interfaces": {}}}}},
         "dataVersion": "1.0.0:0"}
        """;
    db.mutate(root -> {
      try {
        ((ObjectNode) root.at("/public/packageData"))
            .set("dep-watcher", InitialDb.JSON.readTree(old));
        ((ObjectNode) root.at("/public/serverInfo/network/host/bindings/80/addresses"))
            .remove("guaWan");
        ((ObjectNode) root.at("/public/serverInfo/network/host/bindings/80/addresses"))
            .putObject("guaAccess");
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return null;
    });

    InitialDb.boot(new Database(db));

    JsonNode entry = db.get("/public/packageData/dep-watcher").orElseThrow();
    assertThat(entry.has("dataVersion")).isFalse();
    assertThat(db.get("/private/dataVersions/dep-watcher").orElseThrow().asText())
        .isEqualTo("1.0.0:0");
    assertThat(entry.at("/plugin/url").isNull()).isTrue();
    assertThat(entry.at("/statusInfo/error/debug").asText()).isEmpty();
    assertThat(entry.at("/statusInfo/error/details").asText()).isEqualTo("the runtime exited");
    assertThat(entry.at("/stateInfo/manifest/dependencies/hello-world").has("s9pk")).isTrue();
    JsonNode binding = entry.at("/hosts/ui/bindings/80");
    assertThat(binding.path("addresses").fieldNames())
        .toIterable()
        .containsExactly("enabled", "disabled", "available", "guaWan");
    assertThat(binding.at("/options/addSsl").fieldNames())
        .toIterable()
        .containsExactlyInAnyOrder("preferredExternalPort", "addXForwardedHeaders", "alpn", "auth");
    assertThat(binding.at("/options/addSsl/addXForwardedHeaders").asBoolean()).isTrue();
    assertThat(binding.at("/options/secure").toString()).isEqualTo("{\"ssl\":false}");
    JsonNode serverAddresses =
        db.get("/public/serverInfo/network/host/bindings/80/addresses").orElseThrow();
    assertThat(serverAddresses.has("guaAccess")).isFalse();
    assertThat(serverAddresses.path("guaWan").isArray()).isTrue();
  }

  @Test
  void ramIsReadInBytesFromMeminfo(@TempDir Path dir) throws Exception {
    Path meminfo = dir.resolve("meminfo");
    Files.writeString(meminfo, "MemTotal:        2048 kB\nMemFree:  10 kB\n");
    assertThat(InitialDb.totalRamBytes(meminfo)).isEqualTo(2048L * 1024);
    assertThat(InitialDb.totalRamBytes(dir.resolve("absent"))).isZero();
  }
}
