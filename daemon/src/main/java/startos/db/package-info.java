/**
 * The {@code db.*} methods over the Patch-DB document: {@code db.dump}, {@code db.subscribe} (a
 * WebSocket continuation streaming revisions), {@code db.put.ui} and {@code db.apply}, and {@link
 * startos.db.DbModel}, the check that a client's patch leaves a document that fits the model
 * ({@link startos.model.ModelCheck}).
 *
 * <p>Threads: methods run on request threads; each subscription streams on its continuation's
 * virtual thread.
 *
 * <p>The pointers here are the client's, not database fields startd spells: typed access to the
 * document is {@code startos.model}.
 */
package startos.db;
