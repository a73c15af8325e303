package startos.rpc;

import java.util.Optional;

/**
 * Who is calling and over what: the facts a method may need about the transport.
 *
 * @param sessionId the hashed id of the caller's session, when it has one
 * @param local true when authenticated with the local CLI auth cookie
 * @param loopback true when the peer address is a loopback address
 * @param secure true when the request came over TLS
 * @param userAgent the User-Agent header, or empty
 * @param client the peer's IP address as text (per-client limits), or empty when unknown
 */
public record Caller(
    Optional<String> sessionId,
    boolean local,
    boolean loopback,
    boolean secure,
    String userAgent,
    String client) {

  /** A caller whose address is not known (in-process use and tests). */
  public Caller(
      Optional<String> sessionId,
      boolean local,
      boolean loopback,
      boolean secure,
      String userAgent) {
    this(sessionId, local, loopback, secure, userAgent, "");
  }

  /** A caller with no session over plain loopback: tests and in-process use. */
  public static Caller anonymousLoopback() {
    return new Caller(Optional.empty(), false, true, false, "");
  }
}
