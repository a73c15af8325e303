/**
 * Facts about the machine and its identity: {@code server.time}, {@code server.metrics} (CPU,
 * memory, disk, temperature from /proc and /sys, {@link startos.server.SystemMetrics}), {@code
 * server.device-info} and {@code server.set-hostname}.
 *
 * <p>Threads: request threads; {@code SystemMetrics} is thread-safe (CPU deltas are taken under its
 * lock).
 *
 * <p>Not done yet: shutdown, restart, OS update, server logs, WiFi, SSH keys and the other {@code
 * server.*} methods of StartOS.
 */
package startos.server;
