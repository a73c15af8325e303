package startos.ssl;

/**
 * The two leaves StartOS serves for one set of hostnames: Ed25519 for clients that offer it, P-256
 * ECDSA for everyone else. Both chain to the same intermediate and root.
 */
public record FullChain(LeafCertificate ed25519, LeafCertificate ecdsa) {
  public FullChain {
    if (!ed25519.chain().get(1).equals(ecdsa.chain().get(1))) {
      throw new SslException("both leaves must be issued by the same intermediate");
    }
  }

  /** The leaf for a key algorithm. */
  public LeafCertificate leaf(KeyAlgorithm algorithm) {
    return switch (algorithm) {
      case ECDSA -> ecdsa;
      case ED25519 -> ed25519;
    };
  }
}
