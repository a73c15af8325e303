/**
 * Patch-DB: one revisioned JSON document with durable storage and scoped subscriptions.
 *
 * <p>{@link startos.patchdb.PatchDb} is the database; {@link startos.patchdb.JsonPatches} and
 * {@link startos.patchdb.JsonPointer} are the RFC 6902 / RFC 6901 building blocks it uses and the
 * daemon may use too.
 *
 * <p>On disk a database directory holds {@code db.snapshot} (one frame: the CBOR of {@code {id,
 * value}}), {@code db.log} (frames with the CBOR of each later revision {@code {id, patch}},
 * extended with zeros ahead of use) and {@code db.lock}. A frame is {@code [u32 length][u32 CRC32C
 * of the payload][payload]}, big-endian.
 *
 * <p>Threads: {@link startos.patchdb.PatchDb} is thread-safe; mutations are serialised and return
 * once durable (concurrent writers share an fsync), readers never wait for writers, and each {@link
 * startos.patchdb.Subscription} is polled by one thread.
 */
package startos.patchdb;
