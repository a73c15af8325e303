package startos.service;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import startos.logs.ServiceLog;
import startos.notification.Draft;
import startos.notification.NotificationLevel;
import startos.notification.Notifications;

/**
 * Tells the user when a package has filled its own disk ({@link PackageDisk}): its writes then fail
 * with "No space left on device" inside its container, which the package may report badly or not at
 * all. Once per episode: a line in the service's log and a warning notification; it re-arms when
 * the disk has room again. Called from one thread (the manager's watch loop).
 */
final class DiskWatch {
  private static final Logger LOG = LoggerFactory.getLogger(DiskWatch.class);

  private final ServiceSettings settings;
  private final Notifications notifications;
  private final Function<String, ServiceLog> logs;
  private final Set<String> full = ConcurrentHashMap.newKeySet();

  DiskWatch(
      ServiceSettings settings, Notifications notifications, Function<String, ServiceLog> logs) {
    this.settings = settings;
    this.notifications = notifications;
    this.logs = logs;
  }

  /** Checks the disk of every package in {@code services}. */
  void check(Map<String, Service> services) {
    for (String id : services.keySet()) {
      try {
        check(id);
      } catch (RuntimeException e) {
        LOG.debug("cannot check the disk of {}: {}", id, e.getMessage());
      }
    }
    full.retainAll(services.keySet());
  }

  /** Checks one package's disk; returns whether it is full. */
  boolean check(String id) {
    var usage = PackageDisk.usage(settings.layout(id));
    if (usage.isEmpty()) {
      return false;
    }
    PackageDisk.Usage u = usage.get();
    if (u.full() && full.add(id)) {
      String message =
          id
              + " has used all of its "
              + PackageDisk.size(u.cap())
              + " disk (volumes and its containers' files; "
              + PackageDisk.size(u.free())
              + " free): its writes fail with \"No space left on device\" until it deletes files."
              + " Each new install's disk size is startd's --max-volume-size.";
      LOG.warn("{}", message);
      logs.apply(id).append("startd: " + message);
      notifications.notify(
          Draft.forPackage(id, NotificationLevel.WARNING, "Disk full: " + id, message));
      return true;
    }
    if (u.roomy()) {
      full.remove(id);
    }
    return full.contains(id);
  }
}
