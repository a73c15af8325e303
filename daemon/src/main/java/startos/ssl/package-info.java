/**
 * The server's local certificate authority: a P-256 root and intermediate made at setup ({@link
 * startos.ssl.LocalCa}), leaf certificates issued and cached per owner and name set in the database
 * ({@link startos.ssl.CertStore}), and PEM text as StartOS stores it ({@link startos.ssl.Pem}).
 *
 * <p>Threads: called from request and effect threads; each {@code CertStore} change is one database
 * mutation, so concurrent issues do not lose each other's leaves.
 *
 * <p>Not done yet: startd itself does not serve TLS with these certificates; no ACME.
 */
package startos.ssl;
