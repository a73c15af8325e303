package startos.service;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import startos.container.ContainerBackend;
import startos.container.PortForward;
import startos.logs.ServiceLog;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

/**
 * Removes packages: an uninstall (uninit, then everything of the package; a soft one keeps the
 * volumes for a reinstall) and the leftovers of an install that failed, was cancelled or was cut
 * short by a crash.
 *
 * <p>Data safety: volumes a soft uninstall keeps are recorded ({@link InstallEntries#KEPT}) before
 * anything is deleted, and nothing here deletes a recorded volume, not even a removal of
 * everything; only a reinstall that commits takes the record over.
 *
 * <p>Lock discipline: every removal holds the package's lock from {@link ServiceTables}; {@link
 * #uninstall} and {@link #removeLeftovers} take it (it is reentrant, so an install that holds it
 * may call them), {@link #removeLeftoversLocked} checks it. The service's own lock is taken after
 * it, never before. Blocking (uninit, container destroy, unmount, file deletion).
 */
final class PackageRemoval {
  private static final Logger LOG = LoggerFactory.getLogger(PackageRemoval.class);

  private final ContainerBackend backend;
  private final ServiceSettings settings;
  private final InstallEntries entries;
  private final ServiceTables tables;

  PackageRemoval(
      ContainerBackend backend,
      ServiceSettings settings,
      InstallEntries entries,
      ServiceTables tables) {
    this.backend = backend;
    this.settings = settings;
    this.entries = entries;
    this.tables = tables;
  }

  /**
   * Removes a package: runs its uninit, destroys its container, its forwards and ports, its files
   * and its database entry. {@code soft} keeps the volumes (and data version) for a reinstall.
   */
  void uninstall(String id, boolean soft, boolean force) {
    ReentrantLock lock = tables.lock(id);
    lock.lock();
    try {
      Service s = tables.services().get(id);
      if (s == null && !entries.exists(id)) {
        throw new RpcException(ErrorKind.NOT_FOUND, "package " + id + " is not installed");
      }
      // durably, before anything is deleted: a soft uninstall's volumes are kept whatever happens
      // next (a crash, a failed reinstall) until a reinstall of the same signer's package commits
      entries.markRemovingLocked(id, soft);
      if (s != null) {
        try {
          s.exit(JsonNodeFactory.instance.nullNode());
        } catch (RuntimeException e) {
          if (!force) {
            throw e;
          }
          s.shutdown();
        }
      }
      removeLeftoversLocked(id, !soft);
    } finally {
      lock.unlock();
    }
  }

  /** As {@link #removeLeftoversLocked}, taking the package's lock (startd's boot). */
  void removeLeftovers(String id, boolean all) {
    ReentrantLock lock = tables.lock(id);
    lock.lock();
    try {
      removeLeftoversLocked(id, all);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Destroys the container and everything of {@code id} except, unless {@code all}, volumes.
   * Volumes recorded as kept by a soft uninstall stay even when {@code all}.
   */
  void removeLeftoversLocked(String id, boolean all) {
    tables.requireHeld(id);
    boolean keepVolumes = !all || entries.keptVolumes(id).isPresent();
    Service s = tables.services().remove(id);
    if (s != null) {
      s.shutdown();
    }
    List<PortForward> ours = new ArrayList<>();
    Optional<Inet4Address> ip = backend.ip(id);
    ip.ifPresent(addr ->
        backend.forwards().stream().filter(f -> f.containerIp().equals(addr)).forEach(ours::add));
    ours.forEach(backend::unforward);
    boolean containerGone = true;
    try {
      backend.destroy(id);
      backend.releaseAddress(id);
    } catch (RuntimeException e) {
      containerGone = false;
      LOG.warn("cannot destroy the container of {}: {}", id, e.getMessage());
    }
    entries.forgetLocked(id);
    PackageLayout layout = settings.layout(id);
    PackageMounts.unmountAll(layout.dir());
    if (!keepVolumes) {
      PackageLayout.deleteTree(layout.dir());
      ServiceLog log = tables.logs().remove(id);
      if (log != null) {
        log.close();
      }
      PackageLayout.deleteTree(settings.logsDir(id));
      if (containerGone) {
        // no file owned by the range is left (the package dir and the container's own files are
        // gone), so another package may have it. Kept volumes keep theirs: their files carry the
        // range's ids, and the reinstall finds the range still allocated to the id
        settings.idRanges().release(id);
      }
    } else if (Files.isDirectory(layout.dir())) {
      try (var children = Files.list(layout.dir())) {
        for (Path child : children.toList()) {
          if (!layout.kept().contains(child)) {
            PackageLayout.deleteTree(child);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot clean " + layout.dir(), e);
      }
    }
  }
}
