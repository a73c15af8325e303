/**
 * The server's notifications ({@code notification.*}): kept in {@code /private/notifications} by
 * ascending integer id, with {@code serverInfo.unreadNotificationCount} recounted in the same
 * revision as every change. Services create them too (e.g. a failed update).
 *
 * <p>Threads: any thread; every change is one database mutation.
 */
package startos.notification;
