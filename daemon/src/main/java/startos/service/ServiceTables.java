package startos.service;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import startos.install.InstallProgress;
import startos.logs.ServiceLog;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

/**
 * The per-package state the manager, its installs and the effects host share: the running services,
 * their logs, the installs in progress and the lock that serialises changes to each package.
 */
record ServiceTables(
    Map<String, Service> services,
    Map<String, ServiceLog> logs,
    Map<String, InstallProgress> installing,
    Map<String, ReentrantLock> packageLocks) {

  ServiceTables {
    Objects.requireNonNull(services, "services");
    Objects.requireNonNull(logs, "logs");
    Objects.requireNonNull(installing, "installing");
    Objects.requireNonNull(packageLocks, "packageLocks");
  }

  static ServiceTables empty() {
    return new ServiceTables(
        new ConcurrentHashMap<>(),
        new ConcurrentHashMap<>(),
        new ConcurrentHashMap<>(),
        new ConcurrentHashMap<>());
  }

  /** The service of an installed package, or NOT_FOUND for the caller. */
  Service require(String id) {
    Service s = services.get(id);
    if (s == null) {
      throw new RpcException(ErrorKind.NOT_FOUND, "package " + id + " is not installed");
    }
    return s;
  }

  /** The lock an install, update, uninstall or cancel of {@code id} holds. */
  ReentrantLock lock(String id) {
    return packageLocks.computeIfAbsent(id, k -> new ReentrantLock());
  }

  /** Fails loudly when a helper that changes {@code id} runs without holding its package lock. */
  void requireHeld(String id) {
    if (!lock(id).isHeldByCurrentThread()) {
      throw new IllegalStateException(
          "internal error: a change to package " + id + " ran without holding its lock");
    }
  }
}
