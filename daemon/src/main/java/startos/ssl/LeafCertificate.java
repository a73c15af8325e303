package startos.ssl;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A leaf certificate with its key and the chain a TLS server sends.
 *
 * @param key the leaf's private key
 * @param chain leaf, intermediate, root (in that order)
 */
public record LeafCertificate(PrivateKey key, List<X509Certificate> chain) {
  public LeafCertificate {
    chain = List.copyOf(chain);
    if (chain.size() != 3) {
      throw new SslException("a local leaf chain has 3 certificates, got " + chain.size());
    }
  }

  public X509Certificate certificate() {
    return chain.get(0);
  }

  /** The full chain as concatenated PEM blocks, leaf first. */
  public String chainPem() {
    return Pem.encode(chain);
  }

  public String keyPem() {
    return Pem.encode(key);
  }

  /**
   * An in-memory PKCS#12 key store holding this key and chain under {@code alias}, the form JSSE
   * and Jetty's {@code SslContextFactory} take.
   */
  public KeyStore toKeyStore(String alias, char[] password) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, password);
      store.setKeyEntry(alias, key, password, chain.toArray(X509Certificate[]::new));
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new SslException(
          "cannot build a key store for " + certificate().getSubjectX500Principal(), e);
    }
  }
}
