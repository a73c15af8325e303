package startos.ssl;

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
}
