/**
 * Installed packages as running services: one {@link startos.service.Service} per package, the loop
 * that moves its container and main toward a {@link startos.service.ServiceGoal} ({@code
 * statusInfo.desired} is the user's part), with its steps in {@link
 * startos.service.ServiceContainer} (LXC container with the SDK runtime, {@code service.sock}
 * through {@link startos.service.RuntimeClient}, host.sock), {@link startos.service.ContainerSetup}
 * (host directories, container spec), {@link startos.service.ServiceStatus} (the {@code statusInfo}
 * writes) and {@link startos.service.Subcontainers} (the package's subcontainers and mounts);
 * {@link startos.service.ServiceManager} (boots them at start, the {@code package.*} methods in
 * {@link startos.service.PackageMethods}), {@link startos.service.PackageInstalls} (install,
 * update, cancel, uninstall with data safety) and {@link startos.service.ServiceHostAdapter}, what
 * effects ask of services.
 *
 * <p>Threads: each service's state, runtime connection and {@code statusInfo} change only under its
 * own lock (see {@code Service}; helpers that need it are named {@code …Locked}); every change to a
 * package (install, update, removal) holds that package's lock from {@link
 * startos.service.ServiceTables}; one virtual thread per runtime connection reads replies, and a
 * runtime's death is handled on another virtual thread that takes the service's lock.
 *
 * <p>Not done yet: {@code PackageInstalls} still holds install, update, rollback and uninstall in
 * one class. No backups, actions across packages or registry installs.
 */
package startos.service;
