package startos.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import startos.model.Database;
import startos.patchdb.PatchDb;
import startos.rpc.Caller;
import startos.rpc.ErrorKind;
import startos.rpc.ProtocolException;
import startos.rpc.RpcException;
import startos.setup.InitialDb;
import startos.smtp.TestSmtpServers.Mode;
import startos.smtp.TestSmtpServers.Recording;
import startos.smtp.TestSmtpServers.Silent;
import startos.smtp.TestSmtpServers.Tls;
import startos.smtp.TestSmtpServers.TlsFront;

/**
 * The SMTP methods against a real SMTP server (GreenMail on loopback) behind STARTTLS and implicit
 * TLS, with certificates from a CA the test trusts explicitly (as an admin would through {@code
 * smtp-ca.pem}); the database is a real in-memory PatchDb.
 */
class SmtpMethodsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String USER = "alice";
  private static final String PASSWORD = "s3cret-app-password";
  private static final Caller CALLER = Caller.anonymousLoopback();

  private final Tls tls = Tls.forNames("localhost", "127.0.0.1");
  private PatchDb db;
  private GreenMail mail;
  private TlsFront starttls;
  private TlsFront implicit;
  private SmtpMethods methods;

  @BeforeEach
  void setUp() throws Exception {
    db = PatchDb.inMemory();
    InitialDb.ensure(new startos.model.Database(db));
    mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
    mail.start();
    mail.setUser("alice@example.com", USER, PASSWORD);
    starttls = new TlsFront(Mode.STARTTLS, tls.server(), mail.getSmtp().getPort());
    implicit = new TlsFront(Mode.IMPLICIT, tls.server(), mail.getSmtp().getPort());
    methods = methods(tls.trust(), Duration.ofSeconds(10));
  }

  private SmtpMethods methods(SmtpTrust trust, Duration timeout) {
    return new SmtpMethods(
        new SmtpSettings(new Database(db)), new SmtpClient(trust, timeout, timeout));
  }

  @AfterEach
  void tearDown() throws Exception {
    starttls.close();
    implicit.close();
    mail.stop();
    db.close();
  }

  private static ObjectNode settings(String host, int port, String security, String password) {
    ObjectNode p = JSON.createObjectNode();
    p.put("host", host);
    p.put("port", port);
    p.put("from", "Server <server@example.com>");
    p.put("username", USER);
    if (password == null) {
      p.putNull("password");
    } else {
      p.put("password", password);
    }
    p.put("security", security);
    return p;
  }

  private JsonNode publicSmtp() {
    return db.get("/public/serverInfo/smtp").orElseThrow();
  }

  private void assertUnset() {
    assertThat(publicSmtp().isNull()).as("serverInfo.smtp").isTrue();
    assertThat(db.get("/private/smtpPassword").map(JsonNode::asText).orElse("")).isEmpty();
  }

  private static RpcException smtpError(Runnable call) {
    try {
      call.run();
    } catch (RpcException e) {
      assertThat(e.kind()).isEqualTo(ErrorKind.SMTP);
      return e;
    }
    throw new AssertionError("expected an SMTP error");
  }

  @Test
  void setOverStarttlsLogsInAndKeepsThePasswordOutOfThePublicDatabase() {
    methods.set(settings("localhost", starttls.port(), "starttls", PASSWORD), CALLER);

    JsonNode shown = publicSmtp();
    assertThat(shown.path("host").asText()).isEqualTo("localhost");
    assertThat(shown.path("port").asInt()).isEqualTo(starttls.port());
    assertThat(shown.path("from").asText()).isEqualTo("Server <server@example.com>");
    assertThat(shown.path("username").asText()).isEqualTo(USER);
    assertThat(shown.path("security").asText()).isEqualTo("starttls");
    assertThat(shown.has("password")).isTrue();
    assertThat(shown.get("password").isNull()).isTrue();
    assertThat(db.dump("/public").value().toString()).doesNotContain(PASSWORD);
    assertThat(db.get("/private/smtpPassword").orElseThrow().asText()).isEqualTo(PASSWORD);
    assertThat(new SmtpSettings(new Database(db)).forPackages().path("password").asText())
        .isEqualTo(PASSWORD);
  }

  @Test
  void testMailArrivesOverStarttlsAndOverImplicitTls() throws Exception {
    for (TlsFront front : new TlsFront[] {starttls, implicit}) {
      String security = front == starttls ? "starttls" : "tls";
      ObjectNode p = settings("127.0.0.1", front.port(), security, PASSWORD);
      p.put("to", "bob+" + security + "@example.org");
      methods.test(p, CALLER);
    }
    MimeMessage[] received = mail.getReceivedMessages();
    assertThat(received).hasSize(2);
    assertThat(received[0].getSubject()).isEqualTo(SmtpClient.TEST_SUBJECT);
    assertThat(received[0].getAllRecipients()[0].toString()).isEqualTo("bob+starttls@example.org");
    assertThat(received[1].getAllRecipients()[0].toString()).isEqualTo("bob+tls@example.org");
    assertThat(received[1].getFrom()[0].toString()).isEqualTo("Server <server@example.com>");
    assertUnset();
  }

  @Test
  void setClearRoundTrip() {
    methods.set(settings("localhost", implicit.port(), "tls", PASSWORD), CALLER);
    assertThat(publicSmtp().path("security").asText()).isEqualTo("tls");
    assertThat(publicSmtp().get("password").isNull()).isTrue();
    methods.clear(JSON.createObjectNode(), CALLER);
    assertUnset();
    assertThat(new SmtpSettings(new Database(db)).forPackages().isNull()).isTrue();
  }

  @Test
  void aWrongPasswordIsRefusedAndTheStoredSettingsStay() {
    methods.set(settings("localhost", starttls.port(), "starttls", PASSWORD), CALLER);
    JsonNode before = publicSmtp().deepCopy();

    ObjectNode wrong = settings("localhost", starttls.port(), "starttls", "not-the-password");
    wrong.put("from", "other@example.com");
    RpcException e = smtpError(() -> methods.set(wrong, CALLER));

    assertThat(e.getMessage())
        .startsWith(
            "the SMTP server localhost:"
                + starttls.port()
                + " refused the login of 'alice': check the username and password");
    assertThat(publicSmtp()).isEqualTo(before);
    assertThat(db.get("/private/smtpPassword").orElseThrow().asText()).isEqualTo(PASSWORD);
  }

  @Test
  void aClosedPortOrAnUnknownHostIsAClearErrorAndNothingIsStored() throws Exception {
    int closed;
    try (var probe = new java.net.ServerSocket(0)) {
      closed = probe.getLocalPort();
    }
    RpcException refused =
        smtpError(() -> methods.set(settings("127.0.0.1", closed, "tls", PASSWORD), CALLER));
    assertThat(refused.getMessage())
        .startsWith(
            "cannot connect to the SMTP server 127.0.0.1:" + closed + ": connection refused");

    RpcException unknown =
        smtpError(
            () -> methods.set(settings("no-such-host.invalid", 587, "starttls", PASSWORD), CALLER));
    assertThat(unknown.getMessage())
        .isEqualTo("cannot find the SMTP host 'no-such-host.invalid': the name does not resolve");
    assertUnset();
  }

  @Test
  void aServerThatNeverAnswersEndsInATimeoutErrorAndNothingIsStored() throws Exception {
    SmtpMethods quick = methods(tls.trust(), Duration.ofSeconds(1));
    try (Silent silent = new Silent()) {
      RpcException e =
          smtpError(
              () -> quick.set(settings("127.0.0.1", silent.port(), "starttls", PASSWORD), CALLER));
      assertThat(e.getMessage())
          .isEqualTo(
              "the SMTP server 127.0.0.1:"
                  + silent.port()
                  + " did not answer in time (no reply within 1 s); check the host, the port and"
                  + " the security ('starttls' usually on port 587, 'tls' on 465)");
    }
    assertUnset();
  }

  /** A server (or a box on the way) that strips STARTTLS never receives the login. */
  @Test
  void withoutStarttlsTheLoginIsNeverSentInPlainText() throws Exception {
    try (Recording plain = new Recording()) {
      RpcException e =
          smtpError(
              () -> methods.set(settings("127.0.0.1", plain.port(), "starttls", PASSWORD), CALLER));
      assertThat(e.getMessage())
          .isEqualTo(
              "the SMTP server 127.0.0.1:"
                  + plain.port()
                  + " does not offer STARTTLS, and the login is never sent unencrypted; for a"
                  + " server that uses TLS from the start (usually port 465) use security 'tls'");
      assertThat(plain.connections).isEqualTo(1);
      String seen = String.join("\n", plain.lines);
      assertThat(seen)
          .doesNotContain("AUTH")
          .doesNotContain(PASSWORD)
          .doesNotContain(b64(PASSWORD));
    }
    assertUnset();
  }

  @Test
  void aSelfSignedCertificateIsRefusedAndNothingIsStored() throws Exception {
    // GreenMail's own SMTPS, with the self-signed certificate it ships
    GreenMail smtps =
        new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS).dynamicPort());
    smtps.start();
    try {
      int port = smtps.getSmtps().getPort();
      RpcException e =
          smtpError(() -> methods.set(settings("127.0.0.1", port, "tls", PASSWORD), CALLER));
      assertThat(e.getMessage())
          .isEqualTo(
              "the SMTP server 127.0.0.1:"
                  + port
                  + " presented a TLS certificate no trusted CA issued (self-signed or a private"
                  + " CA); add its CA certificate to the system's CAs or to <data-dir>/smtp-ca.pem");
    } finally {
      smtps.stop();
    }
    assertUnset();
  }

  @Test
  void aCertificateForAnotherNameIsRefused() throws Exception {
    Tls other = Tls.forNames(tls.ca(), "mail.example.org");
    try (TlsFront front = new TlsFront(Mode.IMPLICIT, other.server(), mail.getSmtp().getPort())) {
      RpcException e =
          smtpError(() ->
              methods(other.trust(), Duration.ofSeconds(10))
                  .set(settings("127.0.0.1", front.port(), "tls", PASSWORD), CALLER));
      assertThat(e.getMessage())
          .startsWith(
              "the SMTP server 127.0.0.1:"
                  + front.port()
                  + " presented a TLS certificate that is not valid for '127.0.0.1'");
    }
    assertUnset();
  }

  @Test
  void implicitTlsAgainstAPlainPortSaysToUseStarttls() {
    int plain = mail.getSmtp().getPort();
    RpcException e =
        smtpError(() -> methods.set(settings("127.0.0.1", plain, "tls", PASSWORD), CALLER));
    assertThat(e.getMessage())
        .isEqualTo(
            "the SMTP server 127.0.0.1:"
                + plain
                + " did not answer with TLS: for a server that starts unencrypted (usually port"
                + " 587) use security 'starttls'");
    assertUnset();
  }

  @Test
  void badInputNamesEveryWrongFieldAndNothingIsStoredOrSent() {
    ObjectNode p = JSON.createObjectNode();
    p.put("port", 70000);
    p.put("from", "not-an-email");
    p.put("username", USER);
    p.put("password", PASSWORD);
    p.put("security", "ssl");
    assertThatThrownBy(() -> methods.set(p, CALLER))
        .isInstanceOf(ProtocolException.class)
        .hasMessage(
            "invalid SMTP settings (nothing was stored or sent): host is missing; port must be a"
                + " whole number from 1 to 65535, got 70000; from 'not-an-email' is not an email"
                + " address (name@example.com or Name <name@example.com>); security must be"
                + " 'starttls' or 'tls', got \"ssl\"");

    ObjectNode injected = settings("localhost", starttls.port(), "starttls", PASSWORD);
    injected.put("host", "localhost\r\nRCPT TO:<x@evil.test>");
    injected.put("port", 0);
    injected.put("to", "bob@example.org\r\nBcc: eve@evil.test");
    assertThatThrownBy(() -> methods.test(injected, CALLER))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("host contains a line break or another control character")
        .hasMessageContaining("port must be a whole number from 1 to 65535, got 0")
        .hasMessageContaining("to contains a line break or another control character");
    assertThat(mail.getReceivedMessages()).isEmpty();
    assertUnset();
  }

  @Test
  void aNullPasswordKeepsTheStoredOneForTheSameServerOnly() throws Exception {
    methods.set(settings("localhost", starttls.port(), "starttls", PASSWORD), CALLER);
    // the UI sends back what it shows: the same settings with password null
    ObjectNode edit = settings("localhost", starttls.port(), "starttls", null);
    edit.put("from", "Renamed <server@example.com>");
    methods.set(edit, CALLER);
    assertThat(publicSmtp().path("from").asText()).isEqualTo("Renamed <server@example.com>");
    assertThat(db.get("/private/smtpPassword").orElseThrow().asText()).isEqualTo(PASSWORD);

    // a test against another server with password null must not take the stored password there
    try (Recording recorder = new Recording();
        TlsFront elsewhere = new TlsFront(Mode.STARTTLS, tls.server(), recorder.port())) {
      ObjectNode test = settings("127.0.0.1", elsewhere.port(), "starttls", null);
      test.put("to", "bob@example.org");
      methods.test(test, CALLER);
      String seen = String.join("\n", recorder.lines);
      assertThat(seen).contains("RCPT TO:<bob@example.org>");
      assertThat(seen).doesNotContain("AUTH").doesNotContain(b64(PASSWORD));
    }
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
