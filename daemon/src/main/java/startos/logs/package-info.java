/**
 * One service's log ({@link startos.logs.ServiceLog}): its container's console and startd's lines
 * about it, stamped with time and boot id, kept as bounded, rotated JSON lines under {@code
 * <data-dir>/logs/<id>/}; read by {@code package.logs} and followed by {@code package.logs.follow}.
 *
 * <p>Threads: one virtual thread per service tails the console file; reads and writes are
 * serialised on the log.
 *
 * <p>Not done yet: server and kernel logs (StartOS reads journald); no log export.
 */
package startos.logs;
