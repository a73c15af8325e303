package startos.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import startos.daemon.Startd;
import startos.ssl.KeyAlgorithm;
import startos.ssl.LocalCa;
import startos.ssl.Pem;

/**
 * {@code start-cli server set-smtp | test-smtp | clear-smtp} against a real startd (in-process) and
 * a real SMTP server: GreenMail's SMTPS (implicit TLS) with a certificate from a CA of the test's
 * own, which the admin trusts explicitly through {@code <data-dir>/smtp-ca.pem}.
 */
class SmtpCliTest {
  private static final String PASSWORD = "correct horse battery";
  private static final String SMTP_PASSWORD = "app-password-123";
  private static final Path CHECKER = E2eStartd.REPO.resolve("test-tools/sdk-compat");
  private static final LocalCa CA = LocalCa.create("smtp-cli-test", Instant.now());

  static {
    // GreenMail's SMTPS reads its key from these properties when it starts
    try {
      Path store = Files.createTempFile("smtp-cli-test", ".p12");
      store.toFile().deleteOnExit();
      char[] pw = "changeit".toCharArray();
      try (OutputStream out = Files.newOutputStream(store)) {
        CA.issueLeaf(Set.of("localhost", "127.0.0.1"), KeyAlgorithm.ECDSA)
            .toKeyStore("smtp", pw)
            .store(out, pw);
      }
      System.setProperty("greenmail.tls.keystore.file", store.toString());
      System.setProperty("greenmail.tls.keystore.password", "changeit");
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @TempDir Path dir;
  private Startd startd;
  private CliRun cli;
  private GreenMail mail;
  private int port;

  @BeforeEach
  void start() throws Exception {
    Path dataDir = Files.createDirectories(dir.resolve("data"));
    Files.writeString(dataDir.resolve("smtp-ca.pem"), Pem.encode(CA.root()));
    mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS).dynamicPort());
    mail.start();
    mail.setUser("alice@example.com", "alice", SMTP_PASSWORD);
    port = mail.getSmtps().getPort();
    startd = Startd.start(E2eStartd.config(dataDir));
    cli = new CliRun(Files.createDirectories(dir.resolve("home")));
    Files.createDirectories(dir.resolve("no-cookie"));
    var exec =
        cli.env("PASSWORD", PASSWORD)
            .run("-H", startd.url().toString(), "setup", "execute", "--name", "Mail Box");
    assertThat(exec.exitCode()).as(exec.toString()).isZero();
    assertThat(run("setup", "complete").exitCode()).isZero();
    var login = cli.run(RemoteArgs.remote(startd.url(), dir.resolve("no-cookie"), "auth", "login"));
    cli.without("PASSWORD");
    assertThat(login.exitCode()).as(login.toString()).isZero();
  }

  @AfterEach
  void stop() {
    if (startd != null) {
      startd.close();
    }
    mail.stop();
  }

  private CliRun.Result run(String... args) {
    return cli.run(RemoteArgs.remote(startd.url(), dir.resolve("no-cookie"), args));
  }

  private JsonNode serverInfo() throws Exception {
    var r = run("--format", "json", "db", "dump");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return RpcClient.JSON.readTree(r.out()).path("value").path("serverInfo");
  }

  private CliRun.Result setSmtp(String password) {
    return run(
        "server",
        "set-smtp",
        "--host",
        "localhost",
        "--port",
        Integer.toString(port),
        "--from",
        "Mail Box <box@example.com>",
        "--username",
        "alice",
        "--password",
        password,
        "--security",
        "tls");
  }

  @Test
  void setShowsTheSettingsWithoutPasswordTestSendsMailClearForgets() throws Exception {
    var set = setSmtp(SMTP_PASSWORD);
    assertThat(set.exitCode()).as(set.toString()).isZero();
    assertThat(set.out()).isEqualTo("SMTP settings saved (logged in to localhost:" + port + ")\n");

    JsonNode info = serverInfo();
    JsonNode smtp = info.path("smtp");
    assertThat(smtp.path("host").asText()).isEqualTo("localhost");
    assertThat(smtp.path("port").asInt()).isEqualTo(port);
    assertThat(smtp.path("security").asText()).isEqualTo("tls");
    assertThat(smtp.has("password") && smtp.get("password").isNull()).isTrue();
    assertThat(info.toString()).doesNotContain(SMTP_PASSWORD);
    assertThat(typeCheck(info)).as("serverInfo with SMTP set against T.ServerInfo").isEmpty();

    // no --password: the stored one, since it is the same server and login
    var test =
        run(
            "server",
            "test-smtp",
            "--host",
            "localhost",
            "--port",
            Integer.toString(port),
            "--from",
            "box@example.com",
            "--to",
            "bob@example.org",
            "--username",
            "alice",
            "--security",
            "tls");
    assertThat(test.exitCode()).as(test.toString()).isZero();
    assertThat(test.out()).isEqualTo("test email sent to bob@example.org\n");
    MimeMessage[] received = mail.getReceivedMessages();
    assertThat(received).hasSize(1);
    assertThat(received[0].getAllRecipients()[0].toString()).isEqualTo("bob@example.org");

    var clear = run("server", "clear-smtp");
    assertThat(clear.exitCode()).as(clear.toString()).isZero();
    assertThat(clear.out()).isEqualTo("SMTP settings cleared\n");
    assertThat(serverInfo().get("smtp").isNull()).isTrue();
  }

  @Test
  void aWrongPasswordOrBadFieldsAreClearErrorsAndTheSettingsStay() throws Exception {
    assertThat(setSmtp(SMTP_PASSWORD).exitCode()).isZero();
    JsonNode before = serverInfo().get("smtp");

    var wrong = setSmtp("not-it");
    assertThat(wrong.exitCode()).isNotZero();
    assertThat(wrong.err())
        .contains(
            "SMTP Error (error 78): the SMTP server localhost:"
                + port
                + " refused the login of 'alice': check the username and password");
    assertThat(serverInfo().get("smtp")).isEqualTo(before);

    var bad =
        run(
            "server",
            "set-smtp",
            "--host",
            " ",
            "--port",
            "70000",
            "--from",
            "not-an-email",
            "--username",
            "alice",
            "--security",
            "tls");
    assertThat(bad.exitCode()).isNotZero();
    assertThat(bad.err())
        .contains("invalid SMTP settings (nothing was stored or sent): host is empty")
        .contains("port must be a whole number from 1 to 65535, got 70000")
        .contains("from 'not-an-email' is not an email address");
    assertThat(serverInfo().get("smtp")).isEqualTo(before);

    var missing = run("server", "set-smtp", "--port", "587");
    assertThat(missing.exitCode()).isEqualTo(ExitCode.USAGE.code());
    assertThat(missing.err()).contains("--host");
    assertThat(serverInfo().get("smtp")).isEqualTo(before);
  }

  /** Runs the SDK's type check of {@code serverInfo} as {@code T.ServerInfo}; mismatch lines. */
  private java.util.List<String> typeCheck(JsonNode serverInfo) throws Exception {
    Path value = dir.resolve("server-info.json");
    Files.writeString(value, RpcClient.JSON.writeValueAsString(serverInfo));
    ArrayNode jobs = RpcClient.JSON.createArrayNode();
    jobs.addObject()
        .put("name", "serverInfo with smtp")
        .put("type", "ServerInfo")
        .put("file", value.toString());
    Path jobsFile = dir.resolve("jobs.json");
    Files.writeString(jobsFile, RpcClient.JSON.writeValueAsString(jobs));
    Process node =
        new ProcessBuilder("node", "db-types-check.mjs", jobsFile.toString())
            .directory(CHECKER.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(node.waitFor(300, TimeUnit.SECONDS)).as("type check finished").isTrue();
    if (node.exitValue() == 0) {
      assertThat(out).contains("ok: 1 values match");
      return java.util.List.of();
    }
    assertThat(node.exitValue()).as("the checker itself failed:\n" + out).isEqualTo(1);
    return out.lines().filter(l -> !l.isBlank()).toList();
  }
}
