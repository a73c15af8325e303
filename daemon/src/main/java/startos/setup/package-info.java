/**
 * First-time setup: {@code setup.*} methods that create the server's identity (id, hostname,
 * Ed25519 keys, local root CA, password hash) in one revision, the JWE transport the wizard sends
 * the password over ({@link startos.setup.SetupEncryption}), the database shape StartOS clients
 * expect before setup ({@link startos.setup.InitialDb}) and the {@code StartOS-info.html} page.
 *
 * <p>Threads: request threads; {@code setup.execute} and {@code setup.complete} are serialised on
 * the {@link startos.setup.SetupApi} instance.
 *
 * <p>Not done yet: only a fresh setup; attaching an existing data drive, restoring from a backup
 * and choosing a disk ({@code setup.disk.*}, {@code setup.attach}, recovery) are not implemented.
 */
package startos.setup;
