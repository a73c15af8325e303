/**
 * Who may call: the {@code auth.*} methods, argon2id password hashes ({@link
 * startos.auth.Passwords}), login sessions with idle and absolute lifetimes ({@link
 * startos.auth.Sessions}), the per-client login throttle ({@link startos.auth.LoginRateLimiter}),
 * the local CLI cookie ({@link startos.auth.LocalAuthCookie}) and the per-boot key clients encrypt
 * passwords to ({@link startos.auth.EncryptionKey}).
 *
 * <p>Threads: called on request threads; {@code Sessions} and {@code LoginRateLimiter} are
 * thread-safe, the rest is immutable or stateless.
 */
package startos.auth;
