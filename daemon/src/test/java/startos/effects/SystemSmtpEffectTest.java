package startos.effects;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import startos.model.Database;
import startos.model.SmtpValue;
import startos.patchdb.PatchDb;
import startos.smtp.SmtpSettings;

/**
 * {@code get-system-smtp} over a real host.sock: packages get the settings with the password (they
 * log in with it, as on StartOS) while the public database never holds it, and a package's callback
 * fires when the settings are set, changed (the password alone included) or cleared.
 */
class SystemSmtpEffectTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PKG = "mailer";

  @TempDir Path dir;
  private PatchDb db;
  private EffectServerTest.FakeHost host;
  private Watches watches;
  private EffectServer server;
  private SmtpSettings settings;

  @BeforeEach
  void setUp() throws IOException {
    db = PatchDb.inMemory();
    db.mutate(root -> {
      ObjectNode pub = root.putObject("public");
      pub.putObject("serverInfo").putNull("smtp");
      pub.putObject("packageData").putObject(PKG).putObject("stateInfo").put("state", "installed");
      root.putObject("private");
      return null;
    });
    Files.createDirectories(dir.resolve("volumes"));
    host = new EffectServerTest.FakeHost(dir.resolve("volumes"));
    watches = new Watches(host);
    server =
        EffectServer.start(
            PKG, dir.resolve("host.sock"), -1, StandardEffects.table(db, host, watches));
    settings = new SmtpSettings(new Database(db));
  }

  @AfterEach
  void tearDown() {
    server.close();
    db.close();
  }

  private JsonNode call(String method, String params) throws IOException {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(dir.resolve("host.sock")));
      String line = "{\"id\":1,\"method\":\"" + method + "\",\"params\":" + params + "}\n";
      ch.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
      return JSON.readTree(in.readLine());
    }
  }

  private static SmtpValue value(String password) {
    return new SmtpValue(
        "smtp.example.com",
        587,
        "Server <server@example.com>",
        "alice",
        Optional.of(password),
        SmtpValue.Security.STARTTLS);
  }

  @Test
  void packagesGetTheSettingsWithThePasswordThePublicDatabaseNever() throws IOException {
    assertThat(call("get-system-smtp", "{\"callback\":null}").get("result").isNull()).isTrue();

    settings.write(value("app-password"));

    JsonNode got = call("get-system-smtp", "{\"callback\":null}").get("result");
    assertThat(got)
        .isEqualTo(
            JSON.readTree(
                "{\"host\":\"smtp.example.com\",\"port\":587,\"from\":\"Server <server@example.com>\","
                    + "\"username\":\"alice\",\"password\":\"app-password\",\"security\":\"starttls\"}"));
    assertThat(db.get("/public/serverInfo/smtp/password").orElseThrow().isNull()).isTrue();
    assertThat(db.dump("/public").value().toString()).doesNotContain("app-password");
  }

  @Test
  void theCallbackFiresWhenTheSettingsAreSetChangedAndCleared() throws IOException {
    call("get-system-smtp", "{\"callback\":11}");
    watches.recheck();
    assertThat(host.callbacks).isEmpty();

    settings.write(value("first"));
    watches.recheck();
    assertThat(host.callbacks).containsExactly(11L);

    // a changed password alone is a change the package must hear about
    call("get-system-smtp", "{\"callback\":12}");
    settings.write(value("second"));
    watches.recheck();
    assertThat(host.callbacks).containsExactly(11L, 12L);
    assertThat(call("get-system-smtp", "{}").at("/result/password").asText()).isEqualTo("second");

    call("get-system-smtp", "{\"callback\":13}");
    settings.clear();
    watches.recheck();
    assertThat(host.callbacks).containsExactly(11L, 12L, 13L);
    assertThat(call("get-system-smtp", "{}").get("result").isNull()).isTrue();

    // fired callbacks are forgotten: nothing more fires without a new read
    settings.write(value("third"));
    watches.recheck();
    assertThat(host.callbacks).containsExactly(11L, 12L, 13L);
  }
}
