package startos.rpc;

/** Who may call a method. */
public enum Access {
  /** Anyone, before and after setup (e.g. {@code echo}, {@code state}). */
  PUBLIC,
  /** Only while setup is not complete, without a session (the {@code setup.*} family). */
  SETUP,
  /** Anyone after setup, without a session (e.g. {@code auth.login}, {@code auth.get-pubkey}). */
  UNAUTHENTICATED,
  /** A logged-in session or the local CLI cookie, after setup. The default. */
  SESSION
}
