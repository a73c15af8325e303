package startos.smtp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.nio.file.Path;
import startos.model.Database;
import startos.model.SmtpValue;
import startos.rpc.Caller;
import startos.rpc.RpcRouter;
import startos.smtp.SmtpParams.TestMail;

/**
 * {@code server.set-smtp}, {@code server.test-smtp} and {@code server.clear-smtp} (session only).
 *
 * <p>{@code set-smtp} logs in to the server before it stores anything (StartOS stores without
 * trying): a wrong host, port, security or password is an error and the previous settings stay.
 * Since the public database never shows the password, a client that edits the settings cannot send
 * it back: a {@code null} password keeps the stored one when host, port, security and username are
 * unchanged, so the stored password only ever goes to the server it was entered for ({@code
 * clear-smtp} then {@code set-smtp} removes it). {@code test-smtp} does the same with its {@code
 * null} password, then sends a test mail to {@code to}; it stores nothing.
 */
public final class SmtpMethods {
  private final SmtpSettings settings;
  private final SmtpClient client;

  SmtpMethods(SmtpSettings settings, SmtpClient client) {
    this.settings = settings;
    this.client = client;
  }

  /** Trusting the system's CAs and {@code <dataDir>/smtp-ca.pem} ({@link SmtpTrust}). */
  public static SmtpMethods of(Database db, Path dataDir) {
    return new SmtpMethods(new SmtpSettings(db), new SmtpClient(SmtpTrust.system(dataDir)));
  }

  public void register(RpcRouter router) {
    router.register("server.set-smtp", this::set);
    router.register("server.test-smtp", this::test);
    router.register("server.clear-smtp", this::clear);
  }

  JsonNode set(JsonNode params, Caller caller) {
    SmtpValue value = withStoredPassword(SmtpParams.settings(params));
    client.checkLogin(value);
    settings.write(value);
    return NullNode.getInstance();
  }

  JsonNode test(JsonNode params, Caller caller) {
    TestMail mail = SmtpParams.testMail(params);
    client.sendTest(withStoredPassword(mail.settings()), mail.to());
    return NullNode.getInstance();
  }

  JsonNode clear(JsonNode params, Caller caller) {
    settings.clear();
    return NullNode.getInstance();
  }

  private SmtpValue withStoredPassword(SmtpValue value) {
    if (value.password().isPresent()) {
      return value;
    }
    return settings
        .read()
        .filter(stored -> sameLogin(stored, value))
        .map(stored ->
            new SmtpValue(
                value.host(),
                value.port(),
                value.from(),
                value.username(),
                stored.password(),
                value.security()))
        .orElse(value);
  }

  /** The same server and login: the password stored for one may be used for the other. */
  static boolean sameLogin(SmtpValue a, SmtpValue b) {
    return a.host().equalsIgnoreCase(b.host())
        && a.port() == b.port()
        && a.username().equals(b.username())
        && a.security() == b.security();
  }
}
