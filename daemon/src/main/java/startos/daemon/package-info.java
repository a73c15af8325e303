/**
 * startd's entry point and composition root: {@link startos.daemon.StartdMain} reads flags and the
 * config file into a {@link startos.daemon.Config}; {@link startos.daemon.Startd} builds every part
 * by hand in dependency order (database, port, RPC router, services) and closes them in reverse.
 * {@code echo} and {@code state} live here because they belong to no feature.
 *
 * <p>Threads: the main thread assembles; installed services are booted on one virtual thread
 * ({@code services-start}) after the port is bound; a shutdown hook closes startd.
 */
package startos.daemon;
