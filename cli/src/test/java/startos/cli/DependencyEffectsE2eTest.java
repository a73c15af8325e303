package startos.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static startos.cli.E2eStartd.ok;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * The {@code mount} effect and reactive reads, end to end: test-packages/dep-watcher runs in a real
 * container next to hello-world, mounts hello-world's volume read-only, serves its page and logs
 * every change of hello-world's status the host tells it of through host.sock callbacks.
 */
@Timeout(300)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DependencyEffectsE2eTest {
  /** Where dep-watcher's "location" escape points its mountpoint, through a planted symlink. */
  private static final Path CANARY = Path.of("/tmp/dep-watcher-canary");

  private static final Pattern RUNNING_HEALTHY =
      Pattern.compile(
          "dep-watcher: hello-world status desired=running started=yes health=\\S*success");
  private static final Pattern STOPPED =
      Pattern.compile("dep-watcher: hello-world status desired=stopped started=no");

  private E2eStartd box;
  private Path helloWorld;
  private Path depWatcher;
  private final ListAppender<ILoggingEvent> startdLog = new ListAppender<>();
  private Logger root;
  private Logger watchesLogger;

  @BeforeAll
  void start() throws Exception {
    E2eStartd.assumeContainersAndPackages("hello-world", "dep-watcher");
    removeCanary();
    // an existing host directory: a mount that followed the planted symlink would land on it
    Files.createDirectories(CANARY);
    root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    startdLog.start();
    root.addAppender(startdLog);
    // its debug line names every callback the host fires
    watchesLogger = (Logger) LoggerFactory.getLogger("startos.effects.Watches");
    watchesLogger.setLevel(Level.DEBUG);
    box = E2eStartd.start("startos-deps-e2e");
    helloWorld = box.pack(E2eStartd.PACKAGES.resolve("hello-world"), "hello-world.s9pk");
    depWatcher = box.pack(E2eStartd.PACKAGES.resolve("dep-watcher"), "dep-watcher.s9pk");
  }

  @AfterAll
  void stop() throws IOException {
    try {
      if (box != null) {
        box.close();
      }
    } finally {
      if (root != null) {
        root.detachAppender(startdLog);
        watchesLogger.setLevel(null);
      }
      removeCanary();
    }
  }

  @Test
  @Order(1)
  void aDependencyVolumeIsServedReadOnlyAndEscapesFromItAreRefused() throws Exception {
    ok(box.run("package", "install", "-s", helloWorld.toString()));
    ok(box.run("package", "start", "hello-world"));
    box.awaitHealthy("hello-world");
    Path volume = box.volume("hello-world", "main");
    // what a hostile dependency could leave in its volume
    Files.createSymbolicLink(volume.resolve("escape-link"), Path.of("/etc"));

    long t0 = System.nanoTime();
    ok(box.run("package", "install", "-s", depWatcher.toString()));
    E2eStartd.log("install dep-watcher", t0);
    t0 = System.nanoTime();
    ok(box.run("package", "start", "dep-watcher"));
    box.awaitHealthy("dep-watcher");
    E2eStartd.log("start dep-watcher -> healthy", t0);

    assertThat(E2eStartd.get(box.assignedPort("dep-watcher")))
        .as("dep-watcher serves hello-world's page from the mounted volume")
        .hasValueSatisfying(page -> assertThat(page).contains("Hello World 1.1.0"));

    String logs = awaitLogs("the probe's report", l -> l.contains("write to the dependency"));
    System.out.println("e2e: dep-watcher logs after start:\n" + logs);
    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(logs).contains("dep-watcher: read the dependency volume: ok");
    soft.assertThat(logs)
        .as("another package's service interface, read from inside the container")
        .contains("dep-watcher: hello-world interface ui \"Web UI\"");
    soft.assertThat(line(logs, "write to the dependency volume"))
        .as("a write through the read-only dependency mount")
        .contains("refused")
        .contains("Read-only file system");
    soft.assertThat(line(logs, "remount of the dependency volume read-write"))
        .as("the package cannot lift the read-only flag itself")
        .contains("refused");
    soft.assertThat(volume.resolve("dep-watcher-probe"))
        .as("nothing written by dep-watcher into hello-world's volume")
        .doesNotExist();
    soft.assertThat(line(logs, "escape dotdot"))
        .contains("refused")
        .contains("mount subpath must not contain '..'");
    soft.assertThat(line(logs, "escape absolute"))
        .contains("refused")
        .contains("must be relative to the volume")
        .contains("\"/etc\"");
    soft.assertThat(line(logs, "escape symlink"))
        .contains("refused")
        .contains("is a symlink; symlinks are not followed");
    soft.assertThat(line(logs, "escape writable"))
        .contains("refused")
        .contains("can only be mounted read-only by another package");
    soft.assertThat(E2eSystem.mountsUnder(CANARY))
        .as("a mountpoint that is a symlink to the host must not mount over the host path")
        .isEmpty();
    soft.assertThat(line(logs, "escape location")).contains("refused").contains("symlink");
    soft.assertAll();
  }

  @Test
  @Order(2)
  void dependencyStatusChangesReachTheWatchingPackageThroughCallbacks() throws Exception {
    String before = awaitLogs("hello-world seen healthy", l -> count(l, RUNNING_HEALTHY) >= 1);
    long healthyBefore = count(before, RUNNING_HEALTHY);
    long stoppedBefore = count(before, STOPPED);
    int firedBefore = fired("dep-watcher").size();

    long t0 = System.nanoTime();
    ok(box.run("package", "stop", "hello-world"));
    awaitLogs("dep-watcher told of the stop", l -> count(l, STOPPED) > stoppedBefore);
    E2eStartd.log("stop hello-world -> dep-watcher logs it", t0);

    t0 = System.nanoTime();
    ok(box.run("package", "start", "hello-world"));
    box.awaitHealthy("hello-world");
    String after =
        awaitLogs("dep-watcher told of the start", l -> count(l, RUNNING_HEALTHY) > healthyBefore);
    E2eStartd.log("start hello-world -> dep-watcher logs it healthy", t0);
    System.out.println(
        "e2e: dep-watcher's view of hello-world:\n"
            + String.join(
                "\n", after.lines().filter(l -> l.contains("dep-watcher: hello-world")).toList()));
    assertThat(fired("dep-watcher").size())
        .as("callbacks the host fired into dep-watcher")
        .isGreaterThan(firedBefore);
    assertThat(after)
        .contains("dep-watcher: cleared its first callback")
        .as("a callback dropped with clear-callbacks is never fired")
        .doesNotContain("a cleared callback FIRED");
    assertThat(problems(events())).as("startd warnings and errors").isEmpty();
  }

  @Test
  @Order(3)
  void anUninstalledWatcherIsNeverCalledBackAgain() throws Exception {
    ok(box.run("package", "uninstall", "dep-watcher"));
    box.awaitDb("dep-watcher gone", db -> !db.path("packageData").has("dep-watcher"));
    int firedAtUninstall = fired("dep-watcher").size();
    int eventsAtUninstall = events().size();

    // changes dep-watcher used to watch
    ok(box.run("package", "stop", "hello-world"));
    box.awaitDb(
        "hello-world stopped", db -> E2eStartd.status(db, "hello-world").path("started").isNull());
    ok(box.run("package", "start", "hello-world"));
    box.awaitHealthy("hello-world");

    assertThat(fired("dep-watcher"))
        .as("callbacks fired after the uninstall")
        .hasSize(firedAtUninstall);
    List<ILoggingEvent> all = events();
    assertThat(problems(all.subList(eventsAtUninstall, all.size())))
        .as("startd warnings and errors after the uninstall")
        .isEmpty();

    String ip = box.containerIp("hello-world");
    ok(box.run("package", "uninstall", "hello-world"));
    box.awaitDb("hello-world gone", db -> !db.path("packageData").has("hello-world"));
    box.assertNothingLeftOf("dep-watcher", "");
    box.assertNothingLeftOf("hello-world", ip);
  }

  // ---- helpers

  private String awaitLogs(String what, Predicate<String> done) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String logs = "";
    while (System.nanoTime() < deadline) {
      logs = box.logs("dep-watcher", 500);
      if (done.test(logs)) {
        return logs;
      }
      Thread.sleep(200);
    }
    return fail("timed out waiting for " + what + "; dep-watcher logs:\n" + logs);
  }

  private static long count(String logs, Pattern p) {
    return logs.lines().filter(l -> p.matcher(l).find()).count();
  }

  /** The last log line mentioning {@code what}. */
  private static String line(String logs, String what) {
    List<String> lines = logs.lines().filter(l -> l.contains("dep-watcher: " + what)).toList();
    assertThat(lines).as("log lines about " + what + " in\n" + logs).isNotEmpty();
    return lines.getLast();
  }

  private List<ILoggingEvent> events() {
    synchronized (startdLog) {
      return List.copyOf(startdLog.list);
    }
  }

  /**
   * startd's (debug) reports of the callbacks it fired into a package. The second test needs some,
   * so a reworded message fails there instead of making the third test's "none" vacuous.
   */
  private List<String> fired(String packageId) {
    return events().stream()
        .map(ILoggingEvent::getFormattedMessage)
        .filter(m -> m.startsWith(packageId + ": watched value changed, firing callback"))
        .toList();
  }

  /** Warnings and errors about dep-watcher, callbacks, watches or effects. */
  private static List<String> problems(List<ILoggingEvent> events) {
    return events.stream()
        .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .filter(e -> {
          String m = e.getFormattedMessage().toLowerCase(java.util.Locale.ROOT);
          return m.contains("dep-watcher")
              || m.contains("callback")
              || m.contains("watch")
              || m.contains("effect");
        })
        .map(DependencyEffectsE2eTest::describe)
        .toList();
  }

  private static String describe(ILoggingEvent e) {
    return e.getLevel() + " " + e.getLoggerName() + " - " + e.getFormattedMessage();
  }

  /** Undoes what a wrongly accepted "location" escape would have left on the host. */
  private static void removeCanary() throws IOException {
    if (!E2eSystem.mountsUnder(CANARY).isEmpty()) {
      E2eSystem.run("umount", "-l", CANARY.toString());
    }
    if (Files.isDirectory(CANARY) && E2eSystem.mountsUnder(CANARY).isEmpty()) {
      try (var s = Files.list(CANARY)) {
        if (s.findAny().isEmpty()) {
          Files.delete(CANARY);
        }
      }
    }
  }
}
