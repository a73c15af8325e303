package startos.smtp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;
import startos.ssl.Pem;

/**
 * Which certificates an SMTP server may present. The login password crosses that connection, so a
 * server is accepted only with a certificate for the host name as entered, issued by a CA the
 * system trusts (the JDK's CA store, Debian's ca-certificates) or by a CA the admin added in {@code
 * <data-dir>/smtp-ca.pem} (PEM, for a mail server with a private CA). There is no "accept any
 * certificate" switch: on StartOS too, a self-signed SMTP server is refused. The extra file is read
 * at every use, so adding a CA needs no restart; only root can write the data dir.
 */
final class SmtpTrust {
  static final String EXTRA_CA_FILE = "smtp-ca.pem";

  private final Supplier<List<X509Certificate>> extra;
  private final boolean withSystem;

  private SmtpTrust(Supplier<List<X509Certificate>> extra, boolean withSystem) {
    this.extra = extra;
    this.withSystem = withSystem;
  }

  /** The system's CAs plus those in {@code <dataDir>/smtp-ca.pem} when it exists. */
  static SmtpTrust system(Path dataDir) {
    Path file = dataDir.resolve(EXTRA_CA_FILE);
    return new SmtpTrust(() -> readExtra(file), true);
  }

  /** Only {@code anchors}: for tests, whose servers have certificates from a CA of their own. */
  static SmtpTrust only(List<X509Certificate> anchors) {
    List<X509Certificate> copy = List.copyOf(anchors);
    return new SmtpTrust(() -> copy, false);
  }

  /** A socket factory verifying certificates against these anchors (names: see SmtpClient). */
  SSLSocketFactory socketFactory() {
    try {
      KeyStore anchors = KeyStore.getInstance("PKCS12");
      anchors.load(null, null);
      int i = 0;
      if (withSystem) {
        for (X509Certificate ca : systemTrust().getAcceptedIssuers()) {
          anchors.setCertificateEntry("system-" + i++, ca);
        }
      }
      for (X509Certificate ca : extra.get()) {
        anchors.setCertificateEntry("extra-" + i++, ca);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(anchors);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context.getSocketFactory();
    } catch (GeneralSecurityException | IOException e) {
      throw new RpcException(
          ErrorKind.SMTP, "cannot prepare the TLS trust for SMTP: " + e.getMessage());
    }
  }

  private static X509TrustManager systemTrust() throws GeneralSecurityException {
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init((KeyStore) null);
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509TrustManager x509) {
        return x509;
      }
    }
    throw new GeneralSecurityException("the JDK has no X.509 trust manager");
  }

  private static List<X509Certificate> readExtra(Path file) {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    try {
      return Pem.certificates(Files.readString(file));
    } catch (IOException | RuntimeException e) {
      throw new RpcException(
          ErrorKind.SMTP,
          "cannot read the SMTP CA certificates in " + file + ": " + e.getMessage());
    }
  }
}
