package startos.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static startos.cli.E2eStartd.ok;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;
import startos.effects.EffectLimits;
import startos.notification.Notifications;

/**
 * Issue 8's proof: test-packages/hostile runs in a real container next to hello-world and, on
 * request, attacks its host the ways a package can (symlinks where the host reads or writes, device
 * nodes, the mount and destroy-fs effects, foreign certificates and ports, the host's loopback,
 * floods). Each test asks for some attacks, then checks from the host: the canaries of {@link
 * HostileBait} are unchanged, the secret appears nowhere startd keeps data, startd kept answering
 * RPC and its heap stayed bounded, and the package itself saw every attempt refused with a clear
 * error. Run under the machine-wide LXC lock like the other container tests.
 */
@Timeout(1800)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostilePackageE2eTest {
  private static final String ID = "hostile";
  private static final String FOREIGN = "hello-world";
  private static final List<String> CANARIES =
      List.of(
          "set-data-version",
          "mount-volume-root",
          "mount-target-swap",
          "destroy-fs-race",
          "destroy-fs-planted");
  private static final List<String> SECRET_READERS =
      List.of("get-data-version", "console-log-symlink");

  /** How much startd's live heap may grow over the whole attack run. */
  private static final long HEAP_GROWTH_LIMIT = 256L << 20;

  /** The most a package's logs may take on the host's disk. */
  private static final long LOG_DISK_LIMIT = 64L << 20;

  /** The longest log line startd may keep. */
  private static final int LOG_LINE_LIMIT = 1 << 20;

  private static final Pattern LINE =
      Pattern.compile("^hostile: (\\S+) (refused|SUCCEEDED|done|error): (.*)$");

  /** What a refusal must not look like: a crash, a hang or a dropped connection. */
  private static final Pattern UNCLEAR =
      Pattern.compile(
          "timed out|no reply within|without a reply|ECONNRESET|EPIPE|socket hang up"
              // the package's own channel to the host broke: not a refusal
              + "|connect ENOENT|connect ECONNREFUSED|cannot reach host"
              + "|internal error|NullPointerException|UncheckedIOException",
          Pattern.CASE_INSENSITIVE);

  private E2eStartd box;
  private HostileBait bait;
  private Path volume;
  private RpcPinger pinger;
  private long baselineHeap;
  private int pingerMark;
  private final ListAppender<ILoggingEvent> startdLog = new ListAppender<>();
  private Logger root;

  @BeforeAll
  void start() throws Exception {
    E2eStartd.assumeContainersAndPackages(FOREIGN, ID);
    root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    startdLog.start();
    root.addAppender(startdLog);
    box = E2eStartd.start("startos-hostile-e2e");
    Path baitDir = Files.createDirectories(box.dir().resolve("bait"));
    bait = new HostileBait(baitDir, CANARIES, SECRET_READERS);

    Path foreign = box.pack(E2eStartd.PACKAGES.resolve(FOREIGN), "hello-world.s9pk");
    Path hostile = box.pack(E2eStartd.PACKAGES.resolve(ID), "hostile.s9pk", ID);
    ok(box.run("package", "install", "-s", foreign.toString()));
    ok(box.run("package", "start", FOREIGN));
    awaitHealthy(FOREIGN);

    ok(box.run("package", "install", "-s", hostile.toString()));
    volume = box.volume(ID, "main");
    writeConfig();
    ok(box.run("package", "start", ID));
    awaitHealthy(ID);
    awaitLog("the request loop", "hostile: waiting for attack requests");
    pinger = new RpcPinger(URI.create(box.url()).resolve("/rpc"), bait.lanPort());
    baselineHeap = liveHeap();
    System.out.printf("e2e: hostile running; startd live heap %d MiB%n", baselineHeap >> 20);
  }

  @BeforeEach
  void markPinger() {
    if (pinger != null) {
      pingerMark = pinger.failures().size();
    }
  }

  @AfterAll
  void stop() throws IOException {
    try {
      if (pinger != null) {
        pinger.close();
      }
      if (box != null) {
        // a mount that wrongly landed on a canary must not outlive the test
        for (String m : E2eSystem.mountsUnder(box.dir())) {
          E2eSystem.run("umount", "-l", m);
        }
        box.close();
      }
      if (bait != null) {
        bait.close();
      }
    } finally {
      if (root != null) {
        root.detachAppender(startdLog);
      }
    }
  }

  // ---- finding 1

  @Test
  @Order(1)
  void dataVersionSymlinkReachesNoHostFile() throws Exception {
    List<String> lines = attack("set-data-version");
    lines.addAll(attack("get-data-version"));
    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(bait.changes("set-data-version"))
        .as("the canary .version pointed at")
        .isEmpty();
    assertRefused(soft, lines);
    soft.assertThat(String.join("\n", lines)).doesNotContain(bait.secret("get-data-version"));
    soft.assertAll();
  }

  // ---- finding 2

  @Test
  @Order(2)
  void deviceNodesNeitherSurviveUnpackingNorOpen() throws Exception {
    Path node = E2eStartd.PACKAGES.resolve(ID).resolve("build/image-busybox/hostdisk");
    assertThat(E2eSystem.run("stat", "-c", "%F", node.toString()).strip())
        .as("test-packages/build.sh put a block device into hostile's image (as root)")
        .isEqualTo("block special file");
    List<String> lines = attack("device-node-in-image");
    lines.addAll(attack("mknod"));
    SoftAssertions soft = new SoftAssertions();
    assertRefused(soft, lines);
    soft.assertThat(devicesUnder(box.dataDir().resolve("packages").resolve(ID)))
        .as("device nodes unpacked from the package on the host")
        .isEmpty();
    soft.assertAll();
  }

  // ---- findings 3 and 12

  @Test
  @Order(3)
  void mountEffectFollowsNoPackageSymlink() throws Exception {
    List<String> lines = attack("mount-volume-root-symlink");
    List<String> race = attack("mount-target-swap");
    SoftAssertions soft = new SoftAssertions();
    assertRefused(soft, lines);
    assertDone(soft, race);
    soft.assertThat(bait.changes("mount-volume-root"))
        .as("the canary the volume root named")
        .isEmpty();
    soft.assertThat(bait.changes("mount-target-swap"))
        .as("the canary the swapped targets named")
        .isEmpty();
    soft.assertThat(E2eSystem.mountsUnder(bait.dir()))
        .as("host mounts over the canaries")
        .isEmpty();
    soft.assertAll();
  }

  @Test
  @Order(4)
  void anotherPackagesVolumeNeedsADeclaredDependency() throws Exception {
    List<String> lines = attack("mount-undeclared-dependency");
    SoftAssertions soft = new SoftAssertions();
    assertRefused(soft, lines);
    soft.assertAll();
  }

  // ---- finding 4

  @Test
  @Order(5)
  void destroyFsDeletesNothingOutsideTheSubcontainer() throws Exception {
    List<String> race = attack("destroy-fs-race");
    List<String> planted = attack("destroy-fs-planted-guid");
    SoftAssertions soft = new SoftAssertions();
    assertDone(soft, race);
    soft.assertThat(planted).allSatisfy(l -> assertThat(l).doesNotContain("SUCCEEDED"));
    soft.assertThat(bait.changes("destroy-fs-race"))
        .as("the canary victim/ was swapped for")
        .isEmpty();
    soft.assertThat(bait.changes("destroy-fs-planted"))
        .as("the canary a planted guid named")
        .isEmpty();
    soft.assertAll();
  }

  // ---- finding 5

  @Test
  @Order(6)
  void certificatesOnlyForThePackagesOwnNames() throws Exception {
    List<String> lines = attack("ssl-foreign-names");
    SoftAssertions soft = new SoftAssertions();
    assertRefused(soft, lines);
    soft.assertThat(lines)
        .as("a certificate and a key line per name unbound, a key line per foreign name bound")
        .hasSizeGreaterThanOrEqualTo(16);
    soft.assertThat(lines)
        .as("the refusals say whose names they are")
        .anyMatch(l ->
            l.contains("[" + FOREIGN + ".startos]")
                && l.contains("is a name of the package " + FOREIGN + ", not of " + ID))
        .anyMatch(l -> l.contains(".local]") && l.contains("only once it binds a port"));
    soft.assertAll();
  }

  // ---- findings 6 and 7

  @Test
  @Order(7)
  void hostPortsStayTheHosts() throws Exception {
    List<String> lines = attack("bind-host-ports");
    SoftAssertions soft = new SoftAssertions();
    assertRefused(soft, lines);
    soft.assertThat(lines).hasSize(3);
    soft.assertThat(pinger.failuresSince(pingerMark))
        .as("startd's port and the host's own service answered by themselves")
        .isEmpty();
    soft.assertAll();
  }

  @Test
  @Order(8)
  void hostLoopbackServicesAreUnreachableFromTheContainer() throws Exception {
    int before = bait.loopbackConnections();
    List<String> lines = attack("loopback-via-bridge");
    SoftAssertions soft = new SoftAssertions();
    assertRefused(soft, lines);
    soft.assertThat(bait.loopbackConnections())
        .as("connections from the container to a service bound to 127.0.0.1")
        .isEqualTo(before);
    soft.assertAll();
  }

  // ---- findings 8 and 9

  @Test
  @Order(9)
  void consoleLogSymlinkIsNotFollowed() throws Exception {
    List<String> lines = attack("console-log-symlink");
    SoftAssertions soft = new SoftAssertions();
    assertDone(soft, lines);
    String secret = bait.secret("console-log-symlink");
    soft.assertThat(box.logs(ID, 2000)).as("hostile's logs").doesNotContain(secret);
    soft.assertThat(filesHolding(secret))
        .as("files of the data dir holding the host's secret")
        .isEmpty();
    soft.assertAll();
  }

  @Test
  @Order(10)
  void rpcSocketSymlinksAreNeitherConnectedNorChowned() throws Exception {
    String ownership = bait.trapSocketOwnership();
    String started = E2eStartd.status(box.dump(), ID).path("started").asText();
    List<String> lines = attack("rpc-socket-symlinks");
    // a fresh container: the host re-creates both sockets where the package planted symlinks
    ok(box.run("package", "rebuild", ID));
    box.awaitDb(
        "hostile restarted",
        db -> {
          JsonNode st = E2eStartd.status(db, ID);
          return st.path("started").isTextual() && !st.path("started").asText().equals(started);
        });
    box.awaitHealthy(ID);
    SoftAssertions soft = new SoftAssertions();
    assertDone(soft, lines);
    soft.assertThat(bait.trapConnections())
        .as("connections by startd to the planted socket")
        .isZero();
    soft.assertThat(bait.trapSocketOwnership())
        .as("the planted socket's owner")
        .isEqualTo(ownership);
    soft.assertAll();
    awaitLog("the request loop after the restart", "hostile: waiting for attack requests");
  }

  // ---- finding 10: floods, each refused with a clear error while startd keeps serving

  @Test
  @Order(11)
  void hostSockConnectionFloodIsCapped() throws Exception {
    assertFloodRefused("flood-connections");
  }

  @Test
  @Order(12)
  void hugeRequestLineIsRefused() throws Exception {
    assertFloodRefused("flood-request-line");
  }

  @Test
  @Order(13)
  void callbackFloodIsCapped() throws Exception {
    assertFloodRefused("flood-callbacks");
  }

  @Test
  @Order(14)
  void hugeHealthMessageIsRefused() throws Exception {
    assertFloodRefused("flood-health-message");
    assertThat(box.run("--format", "json", "db", "dump").out().length())
        .as("characters of the database dump")
        .isLessThan(8 << 20);
  }

  @Test
  @Order(15)
  void bindFloodIsCapped() throws Exception {
    assertFloodRefused("flood-binds");
  }

  @Test
  @Order(15)
  void hostFloodIsCapped() throws Exception {
    assertFloodRefused("flood-hosts");
    assertThat(box.dump().path("packageData").path(ID).path("hosts").size())
        .as("hostile's hosts")
        .isLessThanOrEqualTo(EffectLimits.MAX_HOSTS);
  }

  @Test
  @Order(15)
  void longIdsAreRefused() throws Exception {
    assertFloodRefused("flood-long-ids");
    assertThat(box.run("--format", "json", "db", "dump").out().length())
        .as("characters of the database dump")
        .isLessThan(8 << 20);
  }

  /**
   * A package notifying in a loop only replaces its own oldest notifications: every call is
   * accepted (a package that notifies now and then must never start failing), the package keeps its
   * newest {@value Notifications#MAX_PER_PACKAGE} and the user's other notifications stay.
   */
  @Test
  @Order(16)
  void notificationFloodIsCapped() throws Exception {
    ok(box.run("notification", "create", "info", "The admin's own", "kept through any flood"));
    List<String> lines = attack("flood-notifications");
    var listed =
        box.run(
            "--format", "json", "notification", "list", Long.toString(Long.MAX_VALUE), "100000");
    ok(listed);
    List<String> hostiles = new ArrayList<>();
    List<String> others = new ArrayList<>();
    for (JsonNode n : RpcClient.JSON.readTree(listed.out())) {
      (n.path("packageId").asText("").equals(ID) ? hostiles : others).add(n.path("title").asText());
    }
    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(lines)
        .as("result lines")
        .singleElement()
        .asString()
        .matches("hostile: flood-notifications done: 3000 notifications of 4 KiB: 3000 accepted");
    soft.assertThat(hostiles)
        .as("hostile's notifications kept")
        .hasSize(Notifications.MAX_PER_PACKAGE);
    soft.assertThat(hostiles).as("hostile's newest one").contains("flood 2999");
    soft.assertThat(hostiles).as("hostile's oldest one").doesNotContain("flood 0");
    soft.assertThat(others).as("the other notifications").contains("The admin's own");
    soft.assertThat(listed.out().length())
        .as("characters of all notifications")
        .isLessThan(2 << 20);
    assertStartdHealthy(soft);
    soft.assertAll();
  }

  @Test
  @Order(17)
  void hugeLogLineIsCut() throws Exception {
    List<String> lines = attack("flood-log-line");
    SoftAssertions soft = new SoftAssertions();
    assertDone(soft, lines);
    // the result line comes after the flood: once it is in the log, startd has read the flood
    soft.assertThat(logsWithin(Duration.ofMinutes(5), "hostile: flood-log-line done"))
        .as("startd copies hostile's console into its log after the huge line")
        .isTrue();
    soft.assertThat(longestLogLine())
        .as("longest line of hostile's stored log")
        .isLessThanOrEqualTo(LOG_LINE_LIMIT);
    assertStartdHealthy(soft);
    soft.assertAll();
  }

  @Test
  @Order(18)
  void endlessLogOutputIsBounded() throws Exception {
    List<String> lines = attack("flood-log-volume");
    SoftAssertions soft = new SoftAssertions();
    assertDone(soft, lines);
    soft.assertThat(logsWithin(Duration.ofMinutes(5), "hostile: flood-log-volume done"))
        .as("startd copies hostile's console into its log after the flood")
        .isTrue();
    soft.assertThat(bytesUnder(box.dataDir().resolve("logs").resolve(ID)))
        .as("bytes of hostile's logs on the host")
        .isLessThanOrEqualTo(LOG_DISK_LIMIT);
    assertStartdHealthy(soft);
    soft.assertAll();
  }

  @Test
  @Order(19)
  void fillingItsDiskStopsAtItsCapAndTheUserIsTold() throws Exception {
    Path foreignVolumes = box.volume(FOREIGN, "main").getParent();
    Map<String, String> foreignBefore = E2eSystem.digests(foreignVolumes);
    Path image = box.dataDir().resolve("packages").resolve(ID).resolve("disk.ext4");
    assertThat(Files.size(image)).as("hostile's disk").isEqualTo(E2eStartd.VOLUME_CAP);
    long hostFree = Files.getFileStore(box.dataDir()).getUsableSpace();
    Path hold = volume.resolve("fill-hold");
    Files.deleteIfExists(hold);
    request("fill-disk");
    // the package holds its disk full until the host deletes fill-hold
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (!box.run("--format", "json", "notification", "list")
        .out()
        .contains("Disk full: " + ID)) {
      if (System.nanoTime() > deadline) {
        fail("no notification that hostile's disk is full; hostile's logs:\n" + box.logs(ID, 100));
      }
      Thread.sleep(500);
    }
    long tookFromHost = hostFree - Files.getFileStore(box.dataDir()).getUsableSpace();
    long imageBytes =
        Long.parseLong(E2eSystem.run("stat", "-c", "%b", image.toString()).strip()) * 512;
    Files.deleteIfExists(hold);
    List<String> lines = results("fill-disk");
    SoftAssertions soft = new SoftAssertions();
    assertRefused(soft, lines);
    soft.assertThat(lines).hasSize(3);
    soft.assertThat(imageBytes)
        .as("bytes hostile's disk image takes on the host when full")
        .isLessThanOrEqualTo(E2eStartd.VOLUME_CAP);
    soft.assertThat(tookFromHost)
        .as("bytes of the host's free space the fill took (other writers on the machine add some)")
        .isLessThan(E2eStartd.VOLUME_CAP + (128L << 20));
    soft.assertThat(E2eSystem.digests(foreignVolumes))
        .as("hello-world's volumes")
        .isEqualTo(foreignBefore);
    soft.assertThat(box.logs(ID, 500)).contains("has used all of its 64 MiB disk");
    soft.assertThat(box.run("--format", "json", "notification", "list").out())
        .contains("Disk full: " + ID);
    assertStartdHealthy(soft);
    soft.assertAll();
  }

  /** Last: unbounded, it takes startd's heap with it. */
  @Test
  @Order(20)
  void consoleLogPointingAtDevZeroDoesNotExhaustStartd() throws Exception {
    List<String> lines = attack("console-log-dev-zero");
    SoftAssertions soft = new SoftAssertions();
    assertDone(soft, lines);
    soft.assertThat(logsWithin(Duration.ofSeconds(30), "hostile: console-log-dev-zero "))
        .as("startd still copies hostile's console into its log afterwards")
        .isTrue();
    assertStartdHealthy(soft);
    soft.assertAll();
  }

  @Test
  @Order(21)
  void nothingOutsideThePackageChangedAndNoSecretLeaked() throws Exception {
    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(bait.changes("")).as("every canary").isEmpty();
    soft.assertThat(E2eSystem.mountsUnder(bait.dir())).as("mounts over the bait").isEmpty();
    String logs = box.logs(ID, 5000);
    for (var e : bait.secrets().entrySet()) {
      soft.assertThat(filesHolding(e.getValue()))
          .as("files holding the secret " + e.getKey() + " aimed at")
          .isEmpty();
      soft.assertThat(logs).as("hostile's logs").doesNotContain(e.getValue());
    }
    soft.assertThat(outOfMemory()).as("OutOfMemoryError in startd").isEmpty();
    assertStartdHealthy(soft);
    ok(box.run("package", "stop", ID));
    box.awaitDb("hostile stopped", db -> E2eStartd.status(db, ID).path("started").isNull());
    soft.assertThat(E2eStartd.status(box.dump(), FOREIGN).path("started").isTextual())
        .as("hello-world still runs")
        .isTrue();
    soft.assertAll();
  }

  // ---- the attack channel

  /**
   * Asks the package for one attack and returns its result lines, read from the files it writes
   * into its volume (some attacks break its console log on purpose).
   */
  private List<String> attack(String name) throws Exception {
    request(name);
    return results(name);
  }

  /** Asks the package for one attack. */
  private void request(String name) throws IOException {
    Path results = volume.resolve("results");
    Files.deleteIfExists(results.resolve(name + ".done"));
    Files.deleteIfExists(results.resolve(name + ".txt"));
    Path requests = volume.resolve("requests");
    // our own test package: it does not swap these for symlinks
    Path tmp = volume.resolve(".request-" + name);
    Files.writeString(tmp, "");
    Files.move(tmp, requests.resolve(name), StandardCopyOption.ATOMIC_MOVE);
  }

  /** Waits for the result lines of the attack {@link #request}ed last. */
  private List<String> results(String name) throws Exception {
    Path results = volume.resolve("results");
    Path done = results.resolve(name + ".done");
    Path txt = results.resolve(name + ".txt");
    long t0 = System.nanoTime();
    long deadline = t0 + Duration.ofMinutes(10).toNanos();
    while (!Files.exists(done, LinkOption.NOFOLLOW_LINKS)) {
      if (System.nanoTime() > deadline) {
        fail("attack " + name + " did not finish; hostile's logs:\n" + box.logs(ID, 200));
      }
      Thread.sleep(250);
    }
    E2eStartd.log("attack " + name, t0);
    List<String> lines = new ArrayList<>(Files.readAllLines(txt, StandardCharsets.UTF_8));
    lines.forEach(l -> System.out.println("e2e: " + l));
    return lines;
  }

  /** Every line says refused, for a reason that is an error sentence, not a crash or a timeout. */
  private static void assertRefused(SoftAssertions soft, List<String> lines) {
    soft.assertThat(lines).as("result lines").isNotEmpty();
    for (String line : lines) {
      Matcher m = LINE.matcher(line);
      if (!m.matches()) {
        soft.fail("not a result line: " + line);
        continue;
      }
      soft.assertThat(m.group(2)).as(line).isEqualTo("refused");
      soft.assertThat(m.group(3)).as("a clear refusal: " + line).doesNotContainPattern(UNCLEAR);
    }
  }

  /** Lines of attacks only the host can judge: they ran, and did not find a way out. */
  private static void assertDone(SoftAssertions soft, List<String> lines) {
    soft.assertThat(lines).as("result lines").isNotEmpty();
    for (String line : lines) {
      Matcher m = LINE.matcher(line);
      soft.assertThat(m.matches() && (m.group(2).equals("done") || m.group(2).equals("refused")))
          .as("the attack ran and got nothing: " + line)
          .isTrue();
    }
  }

  private void assertFloodRefused(String name) throws Exception {
    List<String> lines = attack(name);
    SoftAssertions soft = new SoftAssertions();
    assertRefused(soft, lines);
    assertStartdHealthy(soft);
    soft.assertAll();
  }

  /** startd answered every RPC so far, answers one now, and its live heap stayed bounded. */
  private void assertStartdHealthy(SoftAssertions soft) throws Exception {
    soft.assertThat(pinger.failuresSince(pingerMark))
        .as("calls to startd and to the host's own service that failed during the attack")
        .isEmpty();
    soft.assertThat(pinger.echo()).as("an RPC now").isTrue();
    long heap = liveHeap();
    System.out.printf("e2e: startd live heap %d MiB%n", heap >> 20);
    soft.assertThat(heap - baselineHeap)
        .as("growth of startd's live heap")
        .isLessThan(HEAP_GROWTH_LIMIT);
  }

  private void writeConfig() throws IOException {
    ObjectNode cfg = RpcClient.JSON.createObjectNode();
    cfg.put("canaryRoot", bait.canaryRoot().toString());
    cfg.put("secretDir", bait.secretDir().toString());
    cfg.put("hostVolume", volume.toString());
    cfg.put("startdPort", URI.create(box.url()).getPort());
    cfg.put("loopbackPort", bait.loopbackPort());
    cfg.put("lanPort", bait.lanPort());
    cfg.put("foreignPackage", FOREIGN);
    cfg.put("serverHostname", "e2e-box");
    cfg.put("trapSocket", bait.trapSocket().toString());
    String[] dev = E2eSystem.run("mountpoint", "-d", "/").strip().split(":");
    cfg.put("diskMajor", Integer.parseInt(dev[0]));
    cfg.put("diskMinor", Integer.parseInt(dev[1]));
    cfg.put("victimFiles", HostileBait.VICTIM_FILES);
    Files.writeString(volume.resolve("config.json"), cfg.toString());
  }

  /** Waits until the package is healthy; when it never is, fails with its logs. */
  private void awaitHealthy(String id) throws Exception {
    try {
      box.awaitHealthy(id);
    } catch (AssertionError e) {
      throw new AssertionError(id + " never became healthy; its logs:\n" + box.logs(id, 100), e);
    }
  }

  private boolean logsWithin(Duration d, String text) throws InterruptedException {
    long deadline = System.nanoTime() + d.toNanos();
    String logs = "";
    while (System.nanoTime() < deadline) {
      logs = box.logs(ID, 300);
      if (logs.contains(text)) {
        return true;
      }
      Thread.sleep(500);
    }
    System.out.println("e2e: no \"" + text + "\" in hostile's last log lines:");
    logs.lines()
        .skip(Math.max(0, logs.lines().count() - 40))
        .forEach(
            l -> System.out.println("  " + (l.length() > 300 ? l.substring(0, 300) + "…" : l)));
    return false;
  }

  private void awaitLog(String what, String text) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String logs = "";
    while (System.nanoTime() < deadline) {
      logs = box.logs(ID, 300);
      if (logs.contains(text)) {
        return;
      }
      Thread.sleep(250);
    }
    fail("timed out waiting for " + what + "; hostile's logs:\n" + logs);
  }

  /** Live heap of this JVM, where startd runs, after a full collection. */
  private static long liveHeap() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private List<String> outOfMemory() {
    List<ILoggingEvent> events;
    synchronized (startdLog) {
      events = List.copyOf(startdLog.list);
    }
    return events.stream()
        .filter(e ->
            e.getThrowableProxy() != null
                    && e.getThrowableProxy().getClassName().contains("OutOfMemoryError")
                || e.getFormattedMessage().contains("OutOfMemoryError"))
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  /** Block and character devices under {@code dir}, symlinks not followed. */
  private static List<String> devicesUnder(Path dir) throws IOException {
    String out =
        E2eSystem.run("find", dir.toString(), "-xdev", "(", "-type", "b", "-o", "-type", "c", ")");
    return out.lines().filter(l -> !l.isBlank()).toList();
  }

  /** Regular files under the data dir whose bytes contain {@code text}. */
  private List<String> filesHolding(String text) throws IOException {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    List<String> out = Collections.synchronizedList(new ArrayList<>());
    try (Stream<Path> all = Files.walk(box.dataDir())) {
      for (Path p : all.toList()) {
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && contains(p, needle)) {
          out.add(p.toString());
        }
      }
    }
    return out;
  }

  private static boolean contains(Path p, byte[] needle) {
    try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
      byte[] buf = new byte[1 << 20];
      int keep = needle.length - 1;
      int have = 0;
      int n;
      while ((n = in.read(buf, have, buf.length - have)) > 0) {
        have += n;
        if (indexOf(buf, have, needle) >= 0) {
          return true;
        }
        int tail = Math.min(keep, have);
        System.arraycopy(buf, have - tail, buf, 0, tail);
        have = tail;
      }
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  private static int indexOf(byte[] hay, int len, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= len; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static long bytesUnder(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      long sum = 0;
      for (Path p : all.toList()) {
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          sum += Files.size(p);
        }
      }
      return sum;
    }
  }

  /** The longest line in the files of hostile's stored log. */
  private long longestLogLine() throws IOException {
    Path dir = box.dataDir().resolve("logs").resolve(ID);
    long longest = 0;
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).toList()) {
        try (InputStream in = Files.newInputStream(p)) {
          byte[] buf = new byte[1 << 16];
          long line = 0;
          int n;
          while ((n = in.read(buf)) > 0) {
            for (int i = 0; i < n; i++) {
              if (buf[i] == '\n') {
                longest = Math.max(longest, line);
                line = 0;
              } else {
                line++;
              }
            }
          }
          longest = Math.max(longest, line);
        }
      }
    }
    return longest;
  }

  /**
   * Every 250 ms on its own thread: calls startd's public {@code echo}, and connects to the bait's
   * service on every address through this host's own addresses (loopback and the primary one).
   * Keeps every failure: an answer that is not startd's own or the bait's (a hijacked port), an
   * error, or no answer within 30 s.
   */
  private static final class RpcPinger implements AutoCloseable {
    private final URI rpc;
    private final int lanPort;
    private final List<String> lanAddresses;
    private final HttpClient http =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;
    private volatile boolean running = true;

    RpcPinger(URI rpc, int lanPort) {
      this.rpc = rpc;
      this.lanPort = lanPort;
      this.lanAddresses = new ArrayList<>(List.of("127.0.0.1"));
      Matcher src =
          Pattern.compile("\\bsrc (\\S+)").matcher(E2eSystem.run("ip", "route", "get", "1.1.1.1"));
      if (src.find()) {
        lanAddresses.add(src.group(1));
      }
      this.thread =
          Thread.ofPlatform()
              .daemon()
              .name("hostile-e2e-pinger")
              .start(() -> {
                while (running) {
                  echo();
                  lanAddresses.forEach(this::banner);
                  try {
                    Thread.sleep(250);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              });
    }

    private void banner(String address) {
      try (var s = new java.net.Socket()) {
        s.connect(new java.net.InetSocketAddress(address, lanPort), 5000);
        s.setSoTimeout(30_000);
        String line =
            new String(
                s.getInputStream().readNBytes(HostileBait.SERVICE_BANNER.length()),
                StandardCharsets.US_ASCII);
        if (!line.equals(HostileBait.SERVICE_BANNER)) {
          failures.add(
              "the host's service at " + address + ":" + lanPort + " answered \"" + line + "\"");
        }
      } catch (IOException e) {
        failures.add("the host's service at " + address + ":" + lanPort + ": " + e);
      }
    }

    boolean echo() {
      String token = "ping-" + System.nanoTime();
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(rpc)
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"id\":1,\"method\":\"echo\",\"params\":{\"message\":\""
                                + token
                                + "\"}}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = RpcClient.JSON.readTree(r.body());
        if (!token.equals(body.path("result").asText())) {
          failures.add("echo answered " + r.statusCode() + " " + abbreviate(r.body()));
          return false;
        }
        return true;
      } catch (IOException e) {
        failures.add("echo failed: " + e);
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }

    List<String> failures() {
      synchronized (failures) {
        return List.copyOf(failures);
      }
    }

    /** Failures after the first {@code mark} ones. */
    List<String> failuresSince(int mark) {
      List<String> all = failures();
      return all.subList(Math.min(mark, all.size()), all.size());
    }

    private static String abbreviate(String s) {
      return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    @Override
    public void close() {
      running = false;
      thread.interrupt();
    }
  }
}
