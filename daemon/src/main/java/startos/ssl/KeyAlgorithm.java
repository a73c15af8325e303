package startos.ssl;

/** The key types the local CA issues leaf certificates for. */
public enum KeyAlgorithm {
  /** NIST P-256 ECDSA: what every TLS client accepts. */
  ECDSA,
  /** Ed25519: preferred by clients that support it. */
  ED25519
}
