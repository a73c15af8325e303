package startos.logs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceLogTest {
  @TempDir Path dir;

  @Test
  void pagesBackwardAndForwardByCursorAndFiltersByBoot() {
    ServiceLog log = new ServiceLog(dir, "boot-a");
    for (int i = 1; i <= 10; i++) {
      log.append("line " + i);
    }
    List<LogEntry> last = log.read(3, Optional.empty(), true, Optional.empty());
    assertThat(last).extracting(LogEntry::message).containsExactly("line 8", "line 9", "line 10");
    List<LogEntry> before = log.read(3, Optional.of(last.get(0).cursor()), true, Optional.empty());
    assertThat(before).extracting(LogEntry::message).containsExactly("line 5", "line 6", "line 7");
    List<LogEntry> after = log.read(2, Optional.of(5L), false, Optional.empty());
    assertThat(after).extracting(LogEntry::message).containsExactly("line 6", "line 7");
    log.close();

    ServiceLog again = new ServiceLog(dir, "boot-b");
    again.append("after reboot");
    assertThat(again.read(100, Optional.empty(), true, Optional.of("boot-b")))
        .extracting(LogEntry::message)
        .containsExactly("after reboot");
    assertThat(again.read(100, Optional.empty(), true, Optional.empty())).hasSize(11);
    var page = ServiceLog.page(again.read(2, Optional.empty(), true, Optional.empty()));
    assertThat(page.path("startCursor").asText()).isEqualTo("10");
    assertThat(page.path("endCursor").asText()).isEqualTo("11");
    assertThat(page.path("entries").get(1).path("bootId").asText()).isEqualTo("boot-b");
  }

  @Test
  void tailsAConsoleFileLineByLineAndTellsFollowers() throws Exception {
    ServiceLog log = new ServiceLog(dir.resolve("logs"), "b");
    List<String> followed = java.util.Collections.synchronizedList(new ArrayList<>());
    AutoCloseable sub = log.follow(e -> followed.add(e.message()));
    Path console = dir.resolve("console.log");
    log.tail(console);
    Files.writeString(console, "first\nsecond par");
    Thread.sleep(300);
    Files.writeString(console, "t\n", StandardOpenOption.APPEND);
    long t0 = System.nanoTime();
    while (followed.size() < 2 && System.nanoTime() - t0 < 3_000_000_000L) {
      Thread.sleep(20);
    }
    log.stopTailing();
    sub.close();
    assertThat(followed).containsExactly("first", "second part");
    assertThat(log.end()).isEqualTo(2);
  }

  @Test
  void consoleLogSymlinkIsNotFollowed() throws Exception {
    Path canary = Files.writeString(dir.resolve("shadow-canary"), "root:host-secret\n");
    Path console = Files.createSymbolicLink(dir.resolve("console.log"), canary);
    ServiceLog log = new ServiceLog(dir.resolve("logs"), "b");

    log.tail(console);
    awaitEntries(log, 1);
    log.stopTailing();

    List<LogEntry> all = log.read(100, Optional.empty(), true, Optional.empty());
    assertThat(all).extracting(LogEntry::message).noneMatch(m -> m.contains("host-secret"));
    assertThat(all.get(0).message())
        .isEqualTo(
            "startd: not reading the console file " + console + ": it is not a regular file");
    assertThat(canary).hasContent("root:host-secret");
  }

  @Test
  void consoleLogLinkedToDevZeroIsNeverRead() throws Exception {
    Path console = Files.createSymbolicLink(dir.resolve("console.log"), Path.of("/dev/zero"));
    ServiceLog log = new ServiceLog(dir.resolve("logs"), "b");

    log.tail(console);
    awaitEntries(log, 1);
    log.stopTailing();

    assertThat(log.end()).isEqualTo(1);
    assertThat(Files.size(log.file())).isLessThan(1024);
  }

  @Test
  void aLineLongerThanTheCapIsCutWithAMarker() throws Exception {
    Path console = dir.resolve("console.log");
    Files.writeString(console, "x".repeat(100_000) + "\nshort\n");
    ServiceLog log = new ServiceLog(dir.resolve("logs"), "b");

    log.tail(console);
    awaitEntries(log, 2);
    log.stopTailing();

    List<LogEntry> all = log.read(10, Optional.empty(), true, Optional.empty());
    assertThat(all).hasSize(2);
    assertThat(all.get(0).message())
        .startsWith("x".repeat(ServiceLog.MAX_LINE) + " [")
        .endsWith(
            "[startd: line truncated, " + (100_000 - ServiceLog.MAX_LINE) + " more bytes dropped]");
    assertThat(all.get(1).message()).isEqualTo("short");
  }

  @Test
  void theReadPartOfTheConsoleFileIsGivenBack() throws Exception {
    Path console = dir.resolve("console.log");
    String line = "y".repeat(8191) + "\n";
    int lines = (int) (ServiceLog.MAX_CONSOLE / line.length()) + 8;
    ServiceLog log = new ServiceLog(dir.resolve("logs"), "b");

    log.tail(console);
    writeWhileTailed(log, console, line, lines);
    Files.writeString(console, "after the release\n", StandardOpenOption.APPEND);
    awaitEntries(log, lines + 1);
    log.stopTailing();

    assertThat(diskBytes(console)).isLessThan(ServiceLog.MAX_CONSOLE / 2);
    assertThat(log.read(1, Optional.empty(), true, Optional.empty()).get(0).message())
        .isEqualTo("after the release");
  }

  /**
   * The container writes on while the tailer frees what it read: here exactly then, at the release
   * after the tailer read into a huge line that is still being written (issue 8, finding 8).
   */
  @Test
  void theLineAfterAHugeLineArrivesWhenWrittenWhileTheTailerFreesTheFile() throws Exception {
    Path console = dir.resolve("console.log");
    String line = "y".repeat(8191) + "\n";
    int lines = (int) (ServiceLog.MAX_CONSOLE / line.length()) - 1;
    Files.writeString(console, line.repeat(lines));
    AtomicInteger releases = new AtomicInteger();
    ConsoleSpace racing =
        (file, upTo) -> {
          if (releases.getAndIncrement() == 0) {
            Files.writeString(file, "x".repeat(20_000) + "\nthe following line\n", APPEND);
          }
          ConsoleSpace.holePunch().release(file, upTo);
        };
    ServiceLog log = new ServiceLog(dir.resolve("logs"), "b");

    log.tail(console, racing);
    awaitEntries(log, lines);
    // the huge line's start takes the tailer past the point where it frees the file
    Files.writeString(console, "x".repeat(2 * line.length()), APPEND);
    awaitEntries(log, lines + 2);
    log.stopTailing();

    assertThat(releases).hasPositiveValue();
    List<LogEntry> last = log.read(2, Optional.empty(), true, Optional.empty());
    assertThat(last.get(0).message())
        .startsWith("x".repeat(ServiceLog.MAX_LINE))
        .endsWith(
            "[startd: line truncated, "
                + (2 * line.length() + 20_000 - ServiceLog.MAX_LINE)
                + " more bytes dropped]");
    assertThat(last.get(1).message()).isEqualTo("the following line");
    assertThat(diskBytes(console)).isLessThan(ServiceLog.MAX_CONSOLE / 2);
  }

  @Test
  void aServiceFarAheadOfTheTailerIsSkippedWithANotice() throws Exception {
    Path console = dir.resolve("console.log");
    // what a package gets by growing its console file: a terabyte of zeros, no disk
    try (RandomAccessFile f = new RandomAccessFile(console.toFile(), "rw")) {
      f.setLength(1L << 40);
    }
    Files.writeString(console, "\nafter the gap\n", APPEND);
    ServiceLog log = new ServiceLog(dir.resolve("logs"), "b");

    log.tail(console);
    awaitEntries(log, 2);
    log.stopTailing();

    assertThat(log.read(10, Optional.empty(), true, Optional.empty()))
        .extracting(LogEntry::message)
        .containsExactly(
            "startd: skipped "
                + (1L << 40)
                + " bytes of console output: the service wrote them faster than startd reads",
            "after the gap");
  }

  /** A flood's last line (its result, an error) is the one to see: the newest output is kept. */
  @Test
  void aFloodFarAheadKeepsItsNewestWholeLines() throws Exception {
    Path console = dir.resolve("console.log");
    String line = "y".repeat(8191) + "\n";
    int lines = (int) (3 * ServiceLog.MAX_CONSOLE / line.length());
    Files.writeString(console, line.repeat(lines) + "the last line\n");
    ServiceLog log = new ServiceLog(dir.resolve("logs"), "b");

    log.tail(console);
    awaitEntries(log, 1 + lines / 3);
    log.stopTailing();

    List<LogEntry> all = log.read(lines, Optional.empty(), true, Optional.empty());
    assertThat(all.get(0).message())
        .isEqualTo(
            "startd: skipped "
                + (2 * ServiceLog.MAX_CONSOLE + line.length() - 1)
                + " bytes of console output: the service wrote them faster than startd reads");
    assertThat(all.subList(1, all.size() - 1))
        .hasSize(lines / 3 - 1)
        .allMatch(e -> e.message().equals(line.strip()));
    assertThat(all.get(all.size() - 1).message()).isEqualTo("the last line");
  }

  @Test
  void aSkipEndingAtALineStartKeepsThatLine() throws Exception {
    Path console = dir.resolve("console.log");
    String line = "y".repeat(8191) + "\n";
    int lines = (int) (3 * ServiceLog.MAX_CONSOLE / line.length());
    Files.writeString(console, line.repeat(lines));
    ServiceLog log = new ServiceLog(dir.resolve("logs"), "b");

    log.tail(console);
    awaitEntries(log, 1 + lines / 3);
    log.stopTailing();

    List<LogEntry> all = log.read(lines, Optional.empty(), true, Optional.empty());
    assertThat(all.get(0).message())
        .startsWith("startd: skipped " + 2 * ServiceLog.MAX_CONSOLE + " bytes");
    assertThat(all).hasSize(1 + lines / 3);
  }

  @Test
  void withoutHolesTheReadConsoleFileIsCutBackWithANotice() throws Exception {
    Path console = dir.resolve("console.log");
    String line = "y".repeat(8191) + "\n";
    int lines = (int) (ServiceLog.MAX_CONSOLE / line.length()) + 8;
    ConsoleSpace unsupported =
        (file, upTo) -> {
          throw new IOException("Operation not supported");
        };
    ServiceLog log = new ServiceLog(dir.resolve("logs"), "b");

    log.tail(console, unsupported);
    writeWhileTailed(log, console, line, lines);
    awaitEntries(log, lines + 1);
    Files.writeString(console, "after the cut\n", APPEND);
    awaitEntries(log, lines + 2);
    log.stopTailing();

    assertThat(Files.size(console)).isLessThan(ServiceLog.MAX_CONSOLE);
    assertThat(log.read(lines + 2, Optional.empty(), true, Optional.empty()))
        .extracting(LogEntry::message)
        .contains(
            "startd: cannot free the read part of the console file (Operation not supported);"
                + " cutting the file back instead, which loses a line written at that instant")
        .last()
        .isEqualTo("after the cut");
  }

  /**
   * Appends {@code n} copies of {@code line} as a service does, never more than the tailer may lag
   * behind at once, and waits until they are in the log.
   */
  private static void writeWhileTailed(ServiceLog log, Path console, String line, int n)
      throws Exception {
    int batch = (int) (ServiceLog.MAX_CONSOLE / line.length()) - 1;
    long start = log.end();
    for (int written = 0; written < n; written += batch) {
      Files.writeString(console, line.repeat(Math.min(batch, n - written)), CREATE, APPEND);
      awaitEntries(log, start + Math.min(n, written + batch));
    }
  }

  /** Bytes the file takes on disk (holes take none). */
  private static long diskBytes(Path file) throws Exception {
    Process p = new ProcessBuilder("stat", "--format=%b %B", file.toString()).start();
    String[] out = new String(p.getInputStream().readAllBytes(), UTF_8).strip().split(" ");
    assertThat(p.waitFor()).as("exit status of stat").isZero();
    return Long.parseLong(out[0]) * Long.parseLong(out[1]);
  }

  @Test
  void theLogRotatesIntoOneOlderFileAndKeepsItsCursors() {
    ServiceLog log = new ServiceLog(dir, "b");
    String line = "z".repeat(ServiceLog.MAX_LINE);
    int n = (int) (2.5 * ServiceLog.MAX_FILE / line.length());
    for (int i = 1; i <= n; i++) {
      log.append(i + " " + line);
    }

    assertThat(dir.resolve("log.1.jsonl")).exists();
    assertThat(dir).isDirectoryNotContaining(p -> p.getFileName().toString().equals("log.2.jsonl"));
    long kept = dirSize();
    assertThat(kept).isLessThanOrEqualTo(2 * ServiceLog.MAX_FILE + 2L * ServiceLog.MAX_LINE);
    List<LogEntry> newest = log.read(2, Optional.empty(), true, Optional.empty());
    assertThat(newest).extracting(LogEntry::cursor).containsExactly((long) n - 1, (long) n);
    assertThat(newest.get(1).message()).startsWith(n + " ");
    LogEntry oldest = log.read(Integer.MAX_VALUE, Optional.empty(), true, Optional.empty()).get(0);
    assertThat(oldest.message()).startsWith(oldest.cursor() + " ");
    assertThat(oldest.cursor()).isGreaterThan(1);
    assertThat(new ServiceLog(dir, "c").end()).isEqualTo(n);
  }

  private long dirSize() {
    try (var files = Files.list(dir)) {
      return files.mapToLong(p -> p.toFile().length()).sum();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Waits (up to a minute: the machine is shared) until the log holds {@code n} entries. */
  private static void awaitEntries(ServiceLog log, long n) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (log.end() < n && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(log.end()).as("entries in the log").isGreaterThanOrEqualTo(n);
  }
}
