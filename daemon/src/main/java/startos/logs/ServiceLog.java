package startos.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 */
public final class ServiceLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceLog.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_LINE = 64 * 1024;

  private final Path file;
  private final String bootId;
  private final List<Consumer<LogEntry>> followers = new CopyOnWriteArrayList<>();
  private long count;
  private volatile Thread tailer;

  public ServiceLog(Path dir, String bootId) {
    this.file = dir.resolve("log.jsonl");
    this.bootId = bootId;
    try {
      Files.createDirectories(dir);
      try (var lines =
          Files.exists(file) ? Files.lines(file) : java.util.stream.Stream.<String>empty()) {
        count = lines.count();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the log in " + dir, e);
    }
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
  public synchronized LogEntry append(String message) {
    String text = message.length() > MAX_LINE ? message.substring(0, MAX_LINE) : message;
    LogEntry entry = new LogEntry(count + 1, Instant.now(), text, bootId);
    try (BufferedWriter w =
        Files.newBufferedWriter(
            file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      w.write(entry.toJson().toString());
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
    stopTailing();
    Thread t = Thread.ofVirtual().name("log-tail").unstarted(() -> tailLoop(console));
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

  private void tailLoop(Path console) {
    long offset = 0;
    StringBuilder partial = new StringBuilder();
    byte[] buf = new byte[64 * 1024];
    boolean stopping = false;
    while (true) {
      try {
        if (Files.exists(console)) {
          try (RandomAccessFile raf = new RandomAccessFile(console.toFile(), "r")) {
            if (raf.length() < offset) {
              offset = 0;
            }
            raf.seek(offset);
            int n;
            while ((n = raf.read(buf)) > 0) {
              offset += n;
              partial.append(new String(buf, 0, n, StandardCharsets.UTF_8));
              int nl;
              while ((nl = partial.indexOf("\n")) >= 0) {
                append(partial.substring(0, nl));
                partial.delete(0, nl + 1);
              }
            }
          }
        }
      } catch (IOException e) {
        LOG.debug("reading {}: {}", console, e.getMessage());
      }
      if (stopping || tailer != Thread.currentThread()) {
        if (!partial.isEmpty()) {
          append(partial.toString());
        }
        return;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        stopping = true;
      }
    }
  }

  /**
   * Reads up to {@code limit} entries: the newest when there is no cursor, else those just before
   * (or after) the cursor. Only entries of {@code boot} when given.
   */
  public synchronized List<LogEntry> read(
      int limit, Optional<Long> cursor, boolean before, Optional<String> boot) {
    List<LogEntry> all = new ArrayList<>();
    if (!Files.exists(file)) {
      return all;
    }
    try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
      long[] n = {0};
      lines.forEachOrdered(line -> {
        n[0]++;
        try {
          JsonNode o = JSON.readTree(line);
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
      throw new UncheckedIOException("cannot read " + file, e);
    }
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
