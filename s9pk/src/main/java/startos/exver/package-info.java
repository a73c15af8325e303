/**
 * Extended versions ("exver") and version ranges, compatible with StartOS 0.4.
 *
 * <p>Behaviour follows the server's Rust implementation ({@code shared-libs/crates/exver}); the
 * places where the SDK's TypeScript twin differs are listed in {@code README.md} in this folder.
 *
 * <p>Threads: values are immutable; parsing is stateless.
 */
package startos.exver;
