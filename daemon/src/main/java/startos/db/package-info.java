/**
 * The {@code db.*} methods over the Patch-DB document: {@code db.dump}, {@code db.subscribe} (a
 * WebSocket continuation streaming revisions), {@code db.put.ui} and {@code db.apply}, and {@link
 * startos.db.DbModel}, the shape a document must keep after a patch from a client.
 *
 * <p>Threads: methods run on request threads; each subscription streams on its continuation's
 * virtual thread.
 *
 * <p>Not done yet: {@code DbModel} checks only the parts startd relies on, not StartOS's whole
 * typed model (issue 9 §1).
 */
package startos.db;
