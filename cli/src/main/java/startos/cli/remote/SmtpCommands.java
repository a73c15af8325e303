package startos.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import startos.cli.CliCommand;
import startos.cli.CliEnv;

/**
 * {@code server set-smtp}, {@code server test-smtp}, {@code server clear-smtp}, with the seed
 * manual's flags. The password may come from {@code $SMTP_PASSWORD} instead of {@code --password},
 * which every user of the machine can read in the process list.
 */
final class SmtpCommands {
  static final String PASSWORD_VARIABLE = "SMTP_PASSWORD";

  private SmtpCommands() {}

  /** The flags of {@code T.SmtpValue}, shared by set-smtp and test-smtp. */
  static final class SmtpOptions {
    @Option(
        names = "--host",
        required = true,
        paramLabel = "HOST",
        description = "SMTP server hostname")
    String host;

    @Option(names = "--port", required = true, paramLabel = "PORT", description = "SMTP port")
    int port;

    @Option(names = "--from", required = true, paramLabel = "EMAIL", description = "Sender address")
    String from;

    @Option(
        names = "--username",
        required = true,
        paramLabel = "USER",
        description = "Auth username")
    String username;

    @Option(
        names = "--password",
        paramLabel = "PASS",
        description =
            "Auth password (else $"
                + PASSWORD_VARIABLE
                + "; none given keeps the stored one for the same server)")
    Optional<String> password = Optional.empty();

    @Option(
        names = "--security",
        required = true,
        paramLabel = "MODE",
        description = "starttls or tls")
    String security;

    ObjectNode params(CliEnv env) {
      ObjectNode p = CliCommand.params();
      p.put("host", host);
      p.put("port", port);
      p.put("from", from);
      p.put("username", username);
      Optional<String> pass = password.or(() -> env.variable(PASSWORD_VARIABLE));
      if (pass.isPresent()) {
        p.put("password", pass.get());
      } else {
        p.putNull("password");
      }
      p.put("security", security);
      return p;
    }
  }

  @Command(
      name = "set-smtp",
      description = "Configure SMTP for email notifications (the login is checked first)",
      mixinStandardHelpOptions = true)
  static final class SetSmtp extends CliCommand {
    @Mixin SmtpOptions smtp = new SmtpOptions();

    @Override
    protected void run() {
      JsonNode r = remote("server.set-smtp", smtp.params(root().env()));
      out()
          .result(
              r,
              () ->
                  out()
                      .line(
                          "SMTP settings saved (logged in to "
                              + smtp.host
                              + ":"
                              + smtp.port
                              + ")"));
    }
  }

  @Command(
      name = "test-smtp",
      description = "Send a test email to verify SMTP configuration",
      mixinStandardHelpOptions = true)
  static final class TestSmtp extends CliCommand {
    @Mixin SmtpOptions smtp = new SmtpOptions();

    @Option(
        names = "--to",
        required = true,
        paramLabel = "EMAIL",
        description = "Recipient address")
    String to;

    @Override
    protected void run() {
      ObjectNode params = smtp.params(root().env());
      params.put("to", to);
      JsonNode r = remote("server.test-smtp", params);
      out().result(r, () -> out().line("test email sent to " + to));
    }
  }

  @Command(
      name = "clear-smtp",
      description = "Remove SMTP configuration and credentials",
      mixinStandardHelpOptions = true)
  static final class ClearSmtp extends CliCommand {
    @Override
    protected void run() {
      JsonNode r = remote("server.clear-smtp", params());
      out().result(r, () -> out().line("SMTP settings cleared"));
    }
  }
}
