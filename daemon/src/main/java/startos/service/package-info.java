/**
 * Installed packages as running services: one {@link startos.service.Service} per package (the
 * operations that set its goal), {@link startos.service.ServiceLoop} (its state and the loop that
 * moves its container and main toward a {@link startos.service.ServiceGoal}; {@code
 * statusInfo.desired} is the user's part) and {@link startos.service.CrashRecovery} (a runtime that
 * died), with the steps in {@link startos.service.ServiceContainer} (LXC container with the SDK
 * runtime, {@code service.sock} through {@link startos.service.RuntimeClient}, host.sock), {@link
 * startos.service.ContainerSetup} (host directories, container spec), {@link
 * startos.service.ServiceStatus} (the {@code statusInfo} writes) and {@link
 * startos.service.Subcontainers} (the package's subcontainers and mounts); {@link
 * startos.service.ServiceManager} (boots them at start, the {@code package.*} methods in {@link
 * startos.service.PackageMethods}); installs with data safety in {@link
 * startos.service.PackageInstalls} (verify, first install, cancel), {@link
 * startos.service.SignerCheck} (who may take over a package's data), {@link
 * startos.service.PackageUpdate} (update, rollback, an update a crash interrupted), {@link
 * startos.service.PackageRemoval} (uninstall, leftovers) and {@link startos.service.InstallEntries}
 * (their database writes); {@link startos.service.ServiceHostAdapter}, what effects ask of
 * services.
 *
 * <p>Threads: each service's state, runtime connection and {@code statusInfo} change only under its
 * own lock (see {@code Service}; helpers that need it are named {@code …Locked}); every change to a
 * package (install, update, removal) holds that package's lock from {@link
 * startos.service.ServiceTables}, taken before the service's lock, and its helpers are named {@code
 * …Locked} too; one virtual thread per runtime connection reads replies, and a runtime's death is
 * handled on another virtual thread that takes the service's lock.
 *
 * <p>The database is read and written only through {@link startos.model.Database} (typed entries
 * and slots); the one host file with JSON of its own is the data version an update keeps aside.
 *
 * <p>Not done yet: no backups or registry installs.
 */
package startos.service;
