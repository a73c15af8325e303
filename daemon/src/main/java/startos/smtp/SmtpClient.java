package startos.smtp;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.Date;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import startos.model.SmtpValue;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

/**
 * Talks to the admin's SMTP server (Angus Mail): checks a login, sends the test mail. TLS is always
 * on (STARTTLS required, or implicit TLS), the server's certificate must be valid for the host name
 * as entered ({@link SmtpTrust}), and the login is never sent unencrypted. Every wait is bounded:
 * connecting by {@code connectTimeout}, each read and write by {@code ioTimeout}. Every failure is
 * an SMTP error (78) with a sentence saying what went wrong and where. Blocking; thread-safe (each
 * call has its own connection).
 */
public final class SmtpClient {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  static final Duration IO_TIMEOUT = Duration.ofSeconds(30);

  static final String TEST_SUBJECT = "Test email from your StartOS server";
  static final String TEST_BODY =
      "Your server sent this email to check its SMTP settings. They work: services that use the"
          + " system SMTP settings can send email through this account.\n";

  private final SmtpTrust trust;
  private final Duration connectTimeout;
  private final Duration ioTimeout;

  SmtpClient(SmtpTrust trust, Duration connectTimeout, Duration ioTimeout) {
    this.trust = trust;
    this.connectTimeout = connectTimeout;
    this.ioTimeout = ioTimeout;
  }

  SmtpClient(SmtpTrust trust) {
    this(trust, CONNECT_TIMEOUT, IO_TIMEOUT);
  }

  /** Connects, encrypts and logs in (when there is a password), then says goodbye. */
  void checkLogin(SmtpValue settings) {
    session(settings, Optional.empty());
  }

  /** As {@link #checkLogin}, then sends the test mail to {@code to}. */
  void sendTest(SmtpValue settings, InternetAddress to) {
    session(settings, Optional.of(to));
  }

  private void session(SmtpValue s, Optional<InternetAddress> to) {
    Session session = Session.getInstance(properties(s));
    try (Transport transport = session.getTransport("smtp")) {
      transport.connect(s.host(), s.port(), s.username(), s.password().orElse(null));
      if (s.password().isPresent()
          && transport instanceof SMTPTransport smtp
          && !smtp.supportsExtension("AUTH")) {
        // Angus skips the login silently when AUTH is not offered: the password was not checked
        throw new RpcException(
            ErrorKind.SMTP,
            where(s)
                + " does not offer a login (no AUTH after STARTTLS or TLS), so the username and"
                + " password cannot be checked; leave the password empty for a server that needs"
                + " no login");
      }
      if (to.isPresent()) {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress(s.from()));
        message.setRecipient(Message.RecipientType.TO, to.get());
        message.setSubject(TEST_SUBJECT, "UTF-8");
        message.setSentDate(new Date());
        message.setText(TEST_BODY, "UTF-8");
        message.saveChanges();
        transport.sendMessage(message, message.getAllRecipients());
      }
    } catch (MessagingException e) {
      throw failure(s, to, e);
    }
  }

  private Properties properties(SmtpValue s) {
    Properties p = new Properties();
    p.put("mail.smtp.connectiontimeout", Long.toString(connectTimeout.toMillis()));
    p.put("mail.smtp.timeout", Long.toString(ioTimeout.toMillis()));
    p.put("mail.smtp.writetimeout", Long.toString(ioTimeout.toMillis()));
    p.put("mail.smtp.auth", Boolean.toString(s.password().isPresent()));
    p.put("mail.smtp.from", envelopeFrom(s));
    switch (s.security()) {
      case STARTTLS -> {
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
      }
      case TLS -> p.put("mail.smtp.ssl.enable", "true");
    }
    // used for implicit TLS and for the STARTTLS upgrade alike; the identity check makes the JDK
    // verify the certificate's names against the host during the handshake
    p.put("mail.smtp.ssl.socketFactory", trust.socketFactory());
    p.put("mail.smtp.ssl.checkserveridentity", "true");
    // Angus otherwise retries a connection our factory refused with the JDK's default factory:
    // a refused certificate must stay refused, with the reason our factory gave
    p.put("mail.smtp.socketFactory.fallback", "false");
    return p;
  }

  private static String envelopeFrom(SmtpValue s) {
    try {
      return new InternetAddress(s.from()).getAddress();
    } catch (MessagingException e) {
      return s.from();
    }
  }

  private static String where(SmtpValue s) {
    return "the SMTP server " + s.host() + ":" + s.port();
  }

  /** One sentence for what went wrong, from the innermost cause that explains it. */
  RpcException failure(SmtpValue s, Optional<InternetAddress> to, MessagingException e) {
    String where = where(s);
    String detail = "";
    for (Throwable t = e; t != null; t = next(t)) {
      String message = String.valueOf(t.getMessage()).strip();
      if (t instanceof AuthenticationFailedException) {
        return smtp(
            e,
            where
                + " refused the login of '"
                + s.username()
                + "': check the username and password"
                + reply(message));
      }
      if (t instanceof SendFailedException && to.isPresent()) {
        return smtp(e, where + " refused to send to " + to.get().getAddress() + reply(message));
      }
      if (t instanceof UnknownHostException) {
        return smtp(e, "cannot find the SMTP host '" + s.host() + "': the name does not resolve");
      }
      if (t instanceof ConnectException) {
        return smtp(e, "cannot connect to " + where + ": " + lower(message));
      }
      if (t instanceof NoRouteToHostException) {
        return smtp(e, "cannot reach " + where + ": no route to the host");
      }
      if (t instanceof SocketTimeoutException) {
        return smtp(
            e,
            where
                + " did not answer in time ("
                + (message.contains("connect")
                    ? "no connection within " + connectTimeout.toSeconds() + " s"
                    : "no reply within " + ioTimeout.toSeconds() + " s")
                + "); check the host, the port and the security ('starttls' usually on port 587,"
                + " 'tls' on 465)");
      }
      if (t instanceof CertPathValidatorException
          || (t instanceof CertificateException && message.contains("PKIX"))) {
        return smtp(
            e,
            where
                + " presented a TLS certificate no trusted CA issued (self-signed or a private"
                + " CA); add its CA certificate to the system's CAs or to <data-dir>/"
                + SmtpTrust.EXTRA_CA_FILE);
      }
      if (t instanceof CertificateException) {
        return smtp(
            e,
            where
                + " presented a TLS certificate that is not valid for '"
                + s.host()
                + "': "
                + lower(message));
      }
      if (t instanceof SSLHandshakeException || t instanceof SSLException) {
        detail = message;
        if (message.contains("plaintext") || message.contains("Unsupported or unrecognized")) {
          return smtp(
              e,
              where
                  + " did not answer with TLS: for a server that starts unencrypted (usually port"
                  + " 587) use security 'starttls'");
        }
      }
      if (message.contains("STARTTLS is required")) {
        return smtp(
            e,
            where
                + " does not offer STARTTLS, and the login is never sent unencrypted; for a"
                + " server that uses TLS from the start (usually port 465) use security 'tls'");
      }
      if (detail.isEmpty() && t instanceof IOException) {
        detail = message;
      }
    }
    return smtp(
        e,
        "SMTP with "
            + where
            + " failed: "
            + (detail.isEmpty() ? String.valueOf(e.getMessage()).strip() : detail));
  }

  private static Throwable next(Throwable t) {
    if (t instanceof MessagingException m && m.getNextException() != null) {
      return m.getNextException();
    }
    return t.getCause() == t ? null : t.getCause();
  }

  private static String reply(String serverMessage) {
    return serverMessage.isEmpty() || serverMessage.equals("null")
        ? ""
        : " (the server said: " + serverMessage + ")";
  }

  private static String lower(String message) {
    return message.isEmpty()
        ? message
        : message.substring(0, 1).toLowerCase(Locale.ROOT) + message.substring(1);
  }

  private static RpcException smtp(MessagingException cause, String sentence) {
    return new RpcException(ErrorKind.SMTP, sentence, cause);
  }
}
