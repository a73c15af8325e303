package startos.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One service's log: lines from its container console (the runtime, the package and its daemons)
 * and from startd about it, each stamped with the time it arrived and the boot id, kept as JSON
 * lines in {@code <data-dir>/logs/<id>/log.jsonl}. Thread-safe.
 *
 * <p>Bounded, because the package decides what it prints: a line keeps at most {@link #MAX_LINE}
 * bytes (the rest is dropped and counted in a marker), and once {@code log.jsonl} passes {@link
 * #MAX_FILE} it becomes {@code log.1.jsonl} (replacing the one before), so a service's log takes at
 * most about twice that on disk. The console file keeps about {@link #MAX_CONSOLE} of read and as
 * much of unread output ({@link ConsoleTailer}); no byte appended to it is lost unless the service
 * gets that far ahead of the tailer.
 */
public final class ServiceLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceLog.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Longest line kept, in bytes of UTF-8 (startd's own lines in chars). */
  public static final int MAX_LINE = 16 * 1024;

  /** Size at which {@code log.jsonl} is rotated to {@code log.1.jsonl}. */
  public static final long MAX_FILE = 10L << 20;

  /**
   * How much of the console file is read before its disk space is given back, and how far the
   * service may get ahead of the tailer before its output is skipped.
   */
  public static final long MAX_CONSOLE = 8L << 20;

  private final Path file;
  private final Path previous;
  private final String bootId;
  private final List<Consumer<LogEntry>> followers = new CopyOnWriteArrayList<>();
  private long count;
  private volatile Thread tailer;

  public ServiceLog(Path dir, String bootId) {
    this.file = dir.resolve("log.jsonl");
    this.previous = dir.resolve("log.1.jsonl");
    this.bootId = bootId;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the log in " + dir, e);
    }
    List<LogEntry> all = readAll(Optional.empty());
    count = all.isEmpty() ? 0 : all.get(all.size() - 1).cursor();
  }

  /** The running system's boot id ({@code /proc/sys/kernel/random/boot_id}). */
  public static String systemBootId() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip().replace("-", "");
    } catch (IOException e) {
      return "unknown";
    }
  }

  public Path file() {
    return file;
  }

  /** Appends one line now. */
  public LogEntry append(String message) {
    return write(
        message.length() > MAX_LINE
            ? message.substring(0, MAX_LINE) + truncated(message.length() - MAX_LINE, "characters")
            : message);
  }

  /** Appends a line already cut to its bound. */
  private synchronized LogEntry write(String text) {
    LogEntry entry = new LogEntry(count + 1, Instant.now(), text, bootId);
    try {
      if (Files.size(file) >= MAX_FILE) {
        Files.move(file, previous, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (NoSuchFileException e) {
      // the first line
    } catch (IOException e) {
      LOG.warn("cannot rotate {}: {}", file, e.getMessage());
    }
    try (BufferedWriter w =
        Files.newBufferedWriter(
            file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      // the cursor is stored: after a rotation line numbers no longer tell it
      w.write(entry.toJson().put("cursor", entry.cursor()).toString());
      w.write('\n');
    } catch (IOException e) {
      LOG.warn("cannot write to {}: {}", file, e.getMessage());
      return entry;
    }
    count++;
    for (Consumer<LogEntry> f : followers) {
      f.accept(entry);
    }
    return entry;
  }

  /** The cursor of the last line (0 when empty). */
  public synchronized long end() {
    return count;
  }

  /**
   * Starts copying lines appended to {@code console} (a file the container writes) into this log,
   * from its current start; replaces any previous tailer.
   */
  public void tail(Path console) {
    tail(console, ConsoleSpace.holePunch());
  }

  /** As {@link #tail(Path)}, releasing the read part of the file through {@code space}. */
  void tail(Path console, ConsoleSpace space) {
    stopTailing();
    ConsoleTailer reader = new ConsoleTailer(console, space, this::write, this::append);
    Thread t = Thread.ofVirtual().name("log-tail").unstarted(() -> tailLoop(reader));
    tailer = t;
    t.start();
  }

  /** Copies what is left in the console file, then stops. */
  public void stopTailing() {
    Thread t = tailer;
    tailer = null;
    if (t != null) {
      t.interrupt();
      try {
        t.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Copies the console file's new lines into the log every 100 ms until replaced or stopped, then
   * once more.
   */
  private void tailLoop(ConsoleTailer console) {
    boolean stopping = false;
    while (true) {
      console.pass();
      if (stopping || tailer != Thread.currentThread()) {
        console.finish();
        return;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        stopping = true;
      }
    }
  }

  static String truncated(long dropped, String unit) {
    return " [startd: line truncated, " + dropped + " more " + unit + " dropped]";
  }

  /** Cuts a byte stream into lines of at most {@link #MAX_LINE} bytes. Not thread-safe. */
  static final class LineSplitter {
    private final Consumer<String> out;
    private final byte[] line = new byte[MAX_LINE];
    private int length;
    private long dropped;

    /** Bytes passed over since {@link #skip} and not yet told; -1 when not skipping. */
    private long skipped = -1;

    LineSplitter(Consumer<String> out) {
      this.out = out;
    }

    void feed(byte[] bytes, int n) {
      for (int i = 0; i < n; i++) {
        byte b = bytes[i];
        if (skipped >= 0) {
          // the rest of the line the skip cut into goes with it
          if (b == '\n') {
            flush();
          } else {
            skipped++;
          }
        } else if (b == '\n') {
          flush();
        } else if (length < MAX_LINE) {
          line[length++] = b;
        } else {
          dropped++;
        }
      }
    }

    /**
     * Ends the pending line and passes over {@code n} bytes the caller does not read, then over the
     * rest of the line they end in unless {@code atLineStart}, telling how many in one line.
     */
    void skip(long n, boolean atLineStart) {
      flush();
      skipped = n;
      if (atLineStart) {
        flush();
      }
    }

    /** Emits what is pending as a line (nothing when empty). */
    void flush() {
      if (skipped >= 0) {
        out.accept(
            "startd: skipped "
                + skipped
                + " bytes of console output: the service wrote them faster than startd reads");
        skipped = -1;
        return;
      }
      if (length == 0 && dropped == 0) {
        return;
      }
      String text = new String(line, 0, length, StandardCharsets.UTF_8);
      out.accept(dropped == 0 ? text : text + truncated(dropped, "bytes"));
      length = 0;
      dropped = 0;
    }
  }

  /**
   * Reads up to {@code limit} entries: the newest when there is no cursor, else those just before
   * (or after) the cursor. Only entries of {@code boot} when given.
   */
  public synchronized List<LogEntry> read(
      int limit, Optional<Long> cursor, boolean before, Optional<String> boot) {
    List<LogEntry> all = readAll(boot);
    List<LogEntry> selected;
    if (cursor.isEmpty()) {
      selected = all.subList(Math.max(0, all.size() - limit), all.size());
    } else if (before) {
      List<LogEntry> earlier = all.stream().filter(e -> e.cursor() < cursor.get()).toList();
      selected = earlier.subList(Math.max(0, earlier.size() - limit), earlier.size());
    } else {
      selected = all.stream().filter(e -> e.cursor() > cursor.get()).limit(limit).toList();
    }
    return List.copyOf(selected);
  }

  /** Every kept entry, oldest first: the rotated file, then the current one. */
  private List<LogEntry> readAll(Optional<String> boot) {
    List<LogEntry> all = new ArrayList<>();
    long[] n = {0};
    for (Path f : List.of(previous, file)) {
      if (!Files.exists(f)) {
        continue;
      }
      try (var lines = Files.lines(f, StandardCharsets.UTF_8)) {
        lines.forEachOrdered(line -> {
          try {
            JsonNode o = JSON.readTree(line);
            // lines written before cursors were stored count from 1
            n[0] = o.path("cursor").canConvertToLong() ? o.get("cursor").asLong() : n[0] + 1;
            LogEntry e =
                new LogEntry(
                    n[0],
                    Instant.parse(o.path("timestamp").asText()),
                    o.path("message").asText(),
                    o.path("bootId").asText());
            if (boot.isEmpty() || boot.get().equals(e.bootId())) {
              all.add(e);
            }
          } catch (IOException | RuntimeException ex) {
            // a torn last line after a crash: skip it
          }
        });
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + f, e);
      }
    }
    return all;
  }

  /** Calls {@code follower} with every entry appended from now on; close to stop. */
  public AutoCloseable follow(Consumer<LogEntry> follower) {
    followers.add(follower);
    return () -> followers.remove(follower);
  }

  /** The wire answer of {@code *.logs}. */
  public static ObjectNode page(List<LogEntry> entries) {
    ObjectNode o = JSON.createObjectNode();
    var array = o.putArray("entries");
    entries.forEach(e -> array.add(e.toJson()));
    if (entries.isEmpty()) {
      o.putNull("startCursor");
      o.putNull("endCursor");
    } else {
      o.put("startCursor", Long.toString(entries.get(0).cursor()));
      o.put("endCursor", Long.toString(entries.get(entries.size() - 1).cursor()));
    }
    return o;
  }

  @Override
  public void close() {
    stopTailing();
    followers.clear();
  }
}
