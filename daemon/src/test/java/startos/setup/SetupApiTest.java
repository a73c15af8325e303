package startos.setup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import startos.auth.Passwords;
import startos.model.Database;
import startos.patchdb.PatchDb;
import startos.rpc.Access;
import startos.rpc.Caller;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;
import startos.rpc.RpcRouter;
import startos.ssl.Fingerprint;
import startos.ssl.Pem;

class SetupApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PASSWORD = "correct horse battery";
  private static final Caller LAN_HTTP = new Caller(Optional.empty(), false, false, false, "ui");
  private static final Caller LAN_HTTPS = new Caller(Optional.empty(), false, false, true, "ui");

  private PatchDb db;
  private SetupApi setup;

  @BeforeEach
  void freshServer() {
    db = PatchDb.inMemory();
    InitialDb.ensure(new Database(db));
    setup =
        new SetupApi(
            new Database(db), Clock.fixed(Instant.parse("2026-11-22T02:00:00Z"), ZoneOffset.UTC));
  }

  @Test
  void allFourSetupMethodsAreRegisteredForTheSetupPhaseOnly() {
    RpcRouter router = new RpcRouter();
    setup.register(router);
    assertThat(router.routes().keySet())
        .containsExactly("setup.complete", "setup.execute", "setup.get-pubkey", "setup.status");
    assertThat(router.routes().values()).allMatch(r -> r.access() == Access.SETUP);
  }

  @Test
  void beforeExecuteTheStatusIsIncompleteAndTheDbHasNoIdentity() {
    assertThat(setup.status().get("status").asText()).isEqualTo("incomplete");
    assertThat(db.get("/public/serverInfo/hostname").orElseThrow().asText()).isEmpty();
    assertThat(db.get("/private/setupComplete")).isEmpty();
  }

  @Test
  void executeOverLoopbackCreatesTheServersIdentityInTheDatabase() {
    JsonNode result = execute(params().put("name", "My Server!"), Caller.anonymousLoopback());

    assertThat(result.get("hostname").asText()).isEqualTo("my-server");
    assertThat(result.get("needsRestart").asBoolean()).isFalse();
    String rootCa = result.get("rootCa").asText();
    assertThat(Pem.certificate(rootCa).getSubjectX500Principal().getName())
        .contains("CN=my-server Local Root CA");

    JsonNode info = db.get("/public/serverInfo").orElseThrow();
    assertThat(info.get("id").asText())
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    assertThat(info.get("name").asText()).isEqualTo("My Server!");
    assertThat(info.get("hostname").asText()).isEqualTo("my-server");
    assertThat(info.get("pubkey").asText()).startsWith("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5");
    assertThat(info.get("caFingerprint").asText())
        .isEqualTo(Fingerprint.sha256(Pem.certificate(rootCa)));
    assertThat(info.get("version").asText()).isEqualTo("0.4.0");

    JsonNode priv = db.get("/private").orElseThrow();
    assertThat(Passwords.verify(priv.get("password").asText(), PASSWORD)).isTrue();
    assertThat(info.has("passwordHash")).as("the hash stays private").isFalse();
    JsonNode certs = priv.at("/keyStore/localCerts");
    assertThat(certs.get("rootCert").asText()).isEqualTo(rootCa);
    assertThat(Pem.privateKey(certs.get("rootKey").asText()).getAlgorithm()).isEqualTo("EC");
    assertThat(Pem.certificate(certs.get("intCert").asText()).getIssuerX500Principal())
        .isEqualTo(Pem.certificate(rootCa).getSubjectX500Principal());
    assertThat(priv.get("sshPrivkey").asText()).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----");
    assertThat(priv.get("developerKey").asText()).startsWith("-----BEGIN PRIVATE KEY-----");

    JsonNode status = setup.status();
    assertThat(status.get("status").asText()).isEqualTo("complete");
    assertThat(status.get("rootCa").asText()).isEqualTo(rootCa);
  }

  @Test
  void withoutANameOrHostnameTheServerGetsAnAdjectiveNounHostname() {
    JsonNode result = execute(params(), Caller.anonymousLoopback());
    String hostname = result.get("hostname").asText();
    String[] parts = hostname.split("-");
    assertThat(Hostnames.adjectives()).contains(parts[0]);
    assertThat(Hostnames.nouns()).contains(parts[1]);
    assertThat(db.get("/public/serverInfo/name").orElseThrow().asText())
        .isEqualTo(Hostnames.toName(hostname));
  }

  @Test
  void aChosenHostnameIsKeptAndNamesTheServer() {
    JsonNode result = execute(params().put("hostname", "brave-otter"), LAN_HTTPS);
    assertThat(result.get("hostname").asText()).isEqualTo("brave-otter");
    assertThat(db.get("/public/serverInfo/name").orElseThrow().asText()).isEqualTo("Brave Otter");
  }

  @Test
  void aPlainTextPasswordOverUnencryptedLanIsRefusedAndChangesNothing() {
    long before = db.sequence();
    assertThatThrownBy(() -> execute(params(), LAN_HTTP))
        .isInstanceOf(RpcException.class)
        .hasMessageContaining("plain-text password")
        .extracting(e -> ((RpcException) e).kind())
        .isEqualTo(ErrorKind.INVALID_REQUEST);
    assertThat(db.sequence()).isEqualTo(before);
    assertThat(setup.status().get("status").asText()).isEqualTo("incomplete");
  }

  @Test
  void anEncryptedPasswordIsAcceptedOverUnencryptedLan() throws Exception {
    ObjectNode encrypted = JSON.createObjectNode();
    encrypted.set("encrypted", TestJwe.encrypt(setup.pubkey(), PASSWORD));
    ObjectNode params = JSON.createObjectNode();
    params.set("password", encrypted);
    setup.execute(params, LAN_HTTP);
    assertThat(Passwords.verify(db.get("/private/password").orElseThrow().asText(), PASSWORD))
        .isTrue();
  }

  @Test
  void anEncryptedPasswordInGeneralJsonSerializationIsAccepted() throws Exception {
    ObjectNode params = JSON.createObjectNode();
    params.putObject("password").set("encrypted", TestJwe.encrypt(setup.pubkey(), PASSWORD, true));
    setup.execute(params, LAN_HTTP);
    assertThat(Passwords.verify(db.get("/private/password").orElseThrow().asText(), PASSWORD))
        .isTrue();
  }

  @Test
  void aTamperedEncryptedPasswordIsRefused() throws Exception {
    ObjectNode jwe = TestJwe.encrypt(setup.pubkey(), PASSWORD);
    String tag = jwe.get("tag").asText();
    jwe.put("tag", (tag.charAt(0) == 'A' ? "B" : "A") + tag.substring(1));
    ObjectNode params = JSON.createObjectNode();
    params.putObject("password").set("encrypted", jwe);
    assertThatThrownBy(() -> setup.execute(params, LAN_HTTP))
        .isInstanceOf(RpcException.class)
        .hasMessageContaining("integrity check");
    assertThat(setup.result()).isEmpty();
  }

  @Test
  void passwordsMustBePresentAndBetween12And64Characters() {
    assertThatThrownBy(() -> setup.execute(JSON.createObjectNode(), Caller.anonymousLoopback()))
        .hasMessageContaining("a password is required");
    assertThatThrownBy(() ->
            setup.execute(
                JSON.createObjectNode().put("password", "elevenchars"), Caller.anonymousLoopback()))
        .hasMessageContaining("at least 12 characters, got 11");
    assertThatThrownBy(() ->
            setup.execute(
                JSON.createObjectNode().put("password", "x".repeat(65)),
                Caller.anonymousLoopback()))
        .hasMessageContaining("at most 64 characters, got 65");
    assertThatThrownBy(() ->
            setup.execute(
                JSON.createObjectNode().put("password", 123456789012L), Caller.anonymousLoopback()))
        .hasMessageContaining("password must be a string");
    assertThat(setup.result()).isEmpty();
    setup.execute(
        JSON.createObjectNode().put("password", "twelve chars"), Caller.anonymousLoopback());
    assertThat(setup.result()).isPresent();
  }

  @Test
  void anInvalidHostnameIsRefusedWithTheReason() {
    assertThatThrownBy(() -> execute(params().put("hostname", "my_server"), LAN_HTTPS))
        .hasMessageContaining("invalid character '_'");
    assertThatThrownBy(() -> execute(params().put("hostname", "Brave"), LAN_HTTPS))
        .hasMessageContaining("invalid character 'B'");
    assertThatThrownBy(() -> execute(params().put("hostname", "abc"), LAN_HTTPS))
        .hasMessageContaining("shorter than 4");
    assertThatThrownBy(() -> execute(params().put("hostname", "-abcd"), LAN_HTTPS))
        .hasMessageContaining("start or end with '-'");
    assertThat(setup.result()).isEmpty();
  }

  @Test
  void executeRunsOnlyOnceAndKeepsTheFirstIdentity() {
    execute(params().put("hostname", "first-server"), LAN_HTTPS);
    String id = db.get("/public/serverInfo/id").orElseThrow().asText();
    assertThatThrownBy(() -> execute(params().put("hostname", "second-server"), LAN_HTTPS))
        .hasMessageContaining("already set up");
    assertThat(db.get("/public/serverInfo/id").orElseThrow().asText()).isEqualTo(id);
    assertThat(db.get("/public/serverInfo/hostname").orElseThrow().asText())
        .isEqualTo("first-server");
  }

  @Test
  void recoveryFromABackupIsRefusedClearly() {
    ObjectNode params = params();
    params.putObject("recoverySource").put("type", "backup");
    assertThatThrownBy(() -> execute(params, LAN_HTTPS)).hasMessageContaining("not supported yet");
  }

  @Test
  void completeNeedsExecuteFirstThenMarksSetupComplete() {
    assertThatThrownBy(() -> setup.complete())
        .hasMessageContaining("setup.execute has not completed");
    assertThat(db.get("/private/setupComplete")).isEmpty();

    JsonNode executed = execute(params(), LAN_HTTPS);
    JsonNode completed = setup.complete();
    assertThat(completed).isEqualTo(executed);
    assertThat(db.get("/private/setupComplete").orElseThrow().asBoolean()).isTrue();
  }

  @Test
  void getPubkeyIsAP256Jwk() {
    JsonNode jwk = setup.pubkey();
    assertThat(jwk.get("kty").asText()).isEqualTo("EC");
    assertThat(jwk.get("crv").asText()).isEqualTo("P-256");
    assertThat(jwk.has("d")).as("private part never leaves the server").isFalse();
    assertThat(java.util.Base64.getUrlDecoder().decode(jwk.get("x").asText())).hasSize(32);
  }

  private ObjectNode params() {
    return JSON.createObjectNode().put("password", PASSWORD);
  }

  private JsonNode execute(ObjectNode params, Caller caller) {
    return setup.execute(params, caller);
  }
}
