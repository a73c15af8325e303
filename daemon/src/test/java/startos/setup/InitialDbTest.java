package startos.setup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import startos.patchdb.PatchDb;

class InitialDbTest {
  @Test
  void aNewDatabaseGetsThePublicShapeTheUiReads() {
    PatchDb db = PatchDb.inMemory();
    assertThat(InitialDb.ensure(db)).isTrue();

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
    InitialDb.ensure(db);
    db.mutate(root -> {
      ((ObjectNode) root.at("/public/serverInfo"))
          .put("unreadNotificationCount", 7)
          .put("hostname", "kept-name");
      return null;
    });
    long sequence = db.sequence();

    assertThat(InitialDb.ensure(db)).isFalse();
    assertThat(db.sequence()).isEqualTo(sequence);
    assertThat(db.get("/public/serverInfo/unreadNotificationCount").orElseThrow().asInt())
        .isEqualTo(7);
    assertThat(db.get("/public/serverInfo/hostname").orElseThrow().asText()).isEqualTo("kept-name");
  }

  @Test
  void bootClearsProgressAndShutdownLeftByAPreviousRun() {
    PatchDb db = PatchDb.inMemory();
    InitialDb.ensure(db);
    db.mutate(root -> {
      ObjectNode status = (ObjectNode) root.at("/public/serverInfo/statusInfo");
      status.put("shuttingDown", true).put("restart", "mdns");
      status.putObject("backupProgress").put("overall", false);
      ((ObjectNode) root.at("/public/serverInfo")).put("hostname", "kept-name");
      return null;
    });

    InitialDb.boot(db);

    JsonNode status = db.get("/public/serverInfo/statusInfo").orElseThrow();
    assertThat(status.get("shuttingDown").asBoolean()).isFalse();
    assertThat(status.get("restart").isNull()).isTrue();
    assertThat(status.get("backupProgress").isNull()).isTrue();
    assertThat(db.get("/public/serverInfo/hostname").orElseThrow().asText()).isEqualTo("kept-name");
  }

  @Test
  void bootTakesThePasswordHashOutOfThePublicDataOfAnOlderDatabase() {
    PatchDb db = PatchDb.inMemory();
    InitialDb.ensure(db);
    db.mutate(root -> {
      ((ObjectNode) root.at("/public/serverInfo")).put("passwordHash", "$argon2id$old");
      ((ObjectNode) root.get("private")).put("password", "$argon2id$old");
      return null;
    });

    InitialDb.boot(db);

    assertThat(db.get("/public/serverInfo/passwordHash")).isEmpty();
    assertThat(db.get("/private/password").orElseThrow().asText()).isEqualTo("$argon2id$old");
  }

  @Test
  void ramIsReadInBytesFromMeminfo(@TempDir Path dir) throws Exception {
    Path meminfo = dir.resolve("meminfo");
    Files.writeString(meminfo, "MemTotal:        2048 kB\nMemFree:  10 kB\n");
    assertThat(InitialDb.totalRamBytes(meminfo)).isEqualTo(2048L * 1024);
    assertThat(InitialDb.totalRamBytes(dir.resolve("absent"))).isZero();
  }
}
