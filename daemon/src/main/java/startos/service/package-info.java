/**
 * Installed packages as running services: one {@link startos.service.Service} per package (its LXC
 * container with the SDK runtime, {@code service.sock} through {@link
 * startos.service.RuntimeClient}, its {@code statusInfo}), {@link startos.service.ServiceManager}
 * (boots them at start, the {@code package.*} methods in {@link startos.service.PackageMethods}),
 * {@link startos.service.PackageInstalls} (install, update, cancel, uninstall with data safety) and
 * {@link startos.service.ServiceHostAdapter}, what effects ask of services.
 *
 * <p>Threads: each service's state changes only under its own lock (see {@code Service}); every
 * change to a package (install, update, removal) holds that package's lock from {@link
 * startos.service.ServiceTables}; one virtual thread per runtime connection reads replies, and a
 * runtime's death is handled on another virtual thread that takes the service's lock.
 *
 * <p>Not done yet: {@code Service} mixes lifecycle, status writes and subcontainer effects and
 * steps imperatively instead of converging on {@code statusInfo.desired}; this package and {@code
 * startos.install} still import each other (issue 9 §2). No backups, actions across packages or
 * registry installs.
 */
package startos.service;
