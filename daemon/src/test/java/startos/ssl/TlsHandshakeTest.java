package startos.ssl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/** A client that trusts only the root reaches a server presenting a local leaf, over real TLS. */
class TlsHandshakeTest {
  private static final char[] PASSWORD = "changeit".toCharArray();

  @Test
  void aClientTrustingTheRootAcceptsTheServersLeafForItsAddress() throws Exception {
    LocalCa ca = LocalCa.create("brave-otter", Instant.now());
    for (KeyAlgorithm algorithm : KeyAlgorithm.values()) {
      LeafCertificate leaf = ca.issueLeaf(Set.of("brave-otter.local", "127.0.0.1"), algorithm);
      assertThat(handshake(leaf, ca.root())).as(algorithm.name()).isEqualTo("hello");
    }
  }

  @Test
  void aClientTrustingAnotherRootRefusesTheLeaf() throws Exception {
    LocalCa ca = LocalCa.create("brave-otter", Instant.now());
    LeafCertificate leaf = ca.issueLeaf(Set.of("127.0.0.1"), KeyAlgorithm.ECDSA);
    X509Certificate otherRoot = LocalCa.create("other-host", Instant.now()).root();
    assertThatThrownBy(() -> handshake(leaf, otherRoot)).isInstanceOf(SSLHandshakeException.class);
  }

  private static String handshake(LeafCertificate leaf, X509Certificate trustedRoot)
      throws Exception {
    KeyManagerFactory keys = KeyManagerFactory.getInstance("PKIX");
    keys.init(leaf.toKeyStore("server", PASSWORD), PASSWORD);
    SSLContext serverContext = SSLContext.getInstance("TLSv1.3");
    serverContext.init(keys.getKeyManagers(), null, null);

    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("root", trustedRoot);
    TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX");
    trustManagers.init(trust);
    SSLContext clientContext = SSLContext.getInstance("TLSv1.3");
    clientContext.init(null, trustManagers.getTrustManagers(), null);

    InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    try (SSLServerSocket server =
        (SSLServerSocket)
            serverContext.getServerSocketFactory().createServerSocket(0, 1, loopback)) {
      server.setSoTimeout(10_000);
      CompletableFuture<Void> serving =
          CompletableFuture.runAsync(() -> {
            try (SSLSocket socket = (SSLSocket) server.accept();
                OutputStream out = socket.getOutputStream()) {
              out.write("hello".getBytes(StandardCharsets.US_ASCII));
            } catch (Exception e) {
              // the client's verdict is what the test asserts
            }
          });
      try (SSLSocket client =
          (SSLSocket)
              clientContext.getSocketFactory().createSocket("127.0.0.1", server.getLocalPort())) {
        client.setSoTimeout(10_000);
        SSLParameters params = client.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        client.setSSLParameters(params);
        InputStream in = client.getInputStream();
        String got = new String(in.readNBytes(5), StandardCharsets.US_ASCII);
        serving.get(10, TimeUnit.SECONDS);
        return got;
      }
    }
  }
}
