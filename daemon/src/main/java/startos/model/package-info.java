/**
 * The typed database: Java records in the shapes of StartOS's own types (the SDK's {@code T.*},
 * generated from StartOS's Rust; field names as on the wire), and {@link startos.model.Database},
 * the one way startd reads and changes the document. No other package spells a database field:
 * public state goes through {@link startos.model.PackageDataEntry} and {@link
 * startos.model.ServerInfo}, private state through a {@link startos.model.Slot} declared in {@link
 * startos.model.Slots}.
 *
 * <p>Records are immutable; a change is a new record ({@code withX} methods) written back inside
 * {@link startos.model.Database#mutate}, which commits one revision. Reading decodes a snapshot;
 * unknown fields are dropped (as StartOS's serde model does), so what a client adds through {@code
 * db.apply} is refused first by {@link startos.model.ModelCheck}.
 *
 * <p>Threads: none of its own; every method is safe to call from any thread (the database
 * serializes writers).
 *
 * <p>Not done yet: the manifest, install progress, gateways, port forwards and a few other leaves
 * are kept as JSON trees (their typed readers live in {@code startos.s9pk} and {@code
 * startos.install}, or the feature is not built yet).
 */
package startos.model;
