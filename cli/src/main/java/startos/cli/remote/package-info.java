/**
 * The commands that call startd over JSON-RPC, one class per StartOS method group: {@code auth},
 * {@code db}, {@code echo}, {@code state}, {@code server}, {@code notification}, {@code setup} and
 * {@code package} (install with upload and progress, logs and their follow stream through {@link
 * startos.cli.remote.PackageStreams}).
 *
 * <p>Threads: each command runs on the main thread and blocks on its calls; {@code package install}
 * uploads on a virtual thread while the main thread shows the progress WebSocket.
 *
 * <p>Not done yet: the offline forms of {@code db dump}/{@code db apply} on a database directory; a
 * registry install is passed to startd, which refuses it.
 */
package startos.cli.remote;
