package startos.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

/**
 * Live machine metrics in StartOS's {@code Metrics} shape: CPU from {@code /proc/stat} deltas
 * between calls, memory from {@code /proc/meminfo}, disk from the data directory's file system,
 * temperature from {@code /sys/class/thermal} or hwmon (null when the machine has no sensor).
 * Thread-safe; each call reads the files afresh.
 */
public final class SystemMetrics {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path proc;
  private final Path sys;
  private final Path dataDir;
  private CpuTimes last = CpuTimes.ZERO;

  /** Reads the real {@code /proc} and {@code /sys}; disk figures are for {@code dataDir}. */
  public SystemMetrics(Path dataDir) {
    this(Path.of("/proc"), Path.of("/sys"), dataDir);
  }

  SystemMetrics(Path proc, Path sys, Path dataDir) {
    this.proc = proc;
    this.sys = sys;
    this.dataDir = dataDir;
  }

  /** {@code {general, memory, cpu, disk}}. */
  public ObjectNode read() {
    ObjectNode metrics = JSON.createObjectNode();
    ObjectNode general = metrics.putObject("general");
    Optional<Double> temperature = temperature();
    if (temperature.isPresent()) {
      general.set("temperature", leaf(temperature.get(), 1, "°C"));
    } else {
      general.putNull("temperature");
    }
    metrics.set("memory", memory());
    metrics.set("cpu", cpu());
    metrics.set("disk", disk());
    return metrics;
  }

  /** Percentages of CPU time since the previous call (since boot on the first). */
  synchronized ObjectNode cpu() {
    CpuTimes now = CpuTimes.parse(firstLine(proc.resolve("stat")));
    CpuTimes before = last;
    if (now.total() <= before.total()) {
      // no clock tick since the last call: report the span since boot instead of dividing by 0
      before = CpuTimes.ZERO;
    }
    last = now;
    double total = now.total() - before.total();
    ObjectNode cpu = JSON.createObjectNode();
    cpu.set("percentageUsed", percent((now.used() - before.used()) / total));
    cpu.set("idle", percent((now.idle() - before.idle()) / total));
    cpu.set("userSpace", percent((now.user() - before.user()) / total));
    cpu.set("kernelSpace", percent((now.system() - before.system()) / total));
    cpu.set("wait", percent((now.iowait() - before.iowait()) / total));
    return cpu;
  }

  ObjectNode memory() {
    Map<String, Long> kib = new HashMap<>();
    try {
      for (String line : Files.readAllLines(proc.resolve("meminfo"))) {
        String[] parts = line.split("[:\\s]+");
        if (parts.length >= 2) {
          kib.put(parts[0], Long.parseLong(parts[1]));
        }
      }
    } catch (IOException | NumberFormatException e) {
      throw sysInfo("cannot read " + proc.resolve("meminfo") + ": " + e.getMessage());
    }
    long total = field(kib, "MemTotal");
    long available = field(kib, "MemAvailable");
    long used =
        total
            - field(kib, "MemFree")
            - field(kib, "Buffers")
            - field(kib, "Cached")
            - field(kib, "Slab");
    long swapTotal = field(kib, "SwapTotal");
    long swapFree = field(kib, "SwapFree");
    ObjectNode memory = JSON.createObjectNode();
    memory.set("percentageUsed", percent(total == 0 ? 0 : (double) (total - available) / total));
    memory.set("total", mebibytes(total));
    memory.set("available", mebibytes(available));
    memory.set("used", mebibytes(used));
    memory.set("zramTotal", mebibytes(swapTotal));
    memory.set("zramAvailable", mebibytes(swapFree));
    memory.set("zramUsed", mebibytes(swapTotal - swapFree));
    return memory;
  }

  ObjectNode disk() {
    try {
      FileStore store = Files.getFileStore(dataDir);
      long available = store.getUsableSpace();
      long used = store.getTotalSpace() - store.getUnallocatedSpace();
      long capacity = used + available;
      ObjectNode disk = JSON.createObjectNode();
      disk.set("percentageUsed", percent(capacity == 0 ? 0 : (double) used / capacity));
      disk.set("used", leaf(used / 1e9, 2, "GB"));
      disk.set("available", leaf(available / 1e9, 2, "GB"));
      disk.set("capacity", leaf(capacity / 1e9, 2, "GB"));
      return disk;
    } catch (IOException e) {
      throw sysInfo("cannot read disk usage of " + dataDir + ": " + e.getMessage());
    }
  }

  /** The hottest sensor in degrees Celsius, if the machine exposes any. */
  Optional<Double> temperature() {
    Optional<Double> hottest = Optional.empty();
    hottest = max(hottest, sensors(sys.resolve("class/thermal"), "thermal_zone*", "temp"));
    hottest = max(hottest, sensors(sys.resolve("class/hwmon"), "hwmon*", "temp1_input"));
    return hottest;
  }

  private static Optional<Double> sensors(Path dir, String glob, String file) {
    Optional<Double> hottest = Optional.empty();
    if (!Files.isDirectory(dir)) {
      return hottest;
    }
    try (DirectoryStream<Path> zones = Files.newDirectoryStream(dir, glob)) {
      for (Path zone : zones) {
        try {
          double celsius = Long.parseLong(Files.readString(zone.resolve(file)).strip()) / 1000.0;
          // unplugged sensors report absurd values such as -273 °C
          if (celsius > -50 && celsius < 200) {
            hottest = max(hottest, Optional.of(celsius));
          }
        } catch (IOException | NumberFormatException e) {
          // a zone without a readable temperature: skip it
        }
      }
    } catch (IOException e) {
      return hottest;
    }
    return hottest;
  }

  private static Optional<Double> max(Optional<Double> a, Optional<Double> b) {
    if (a.isEmpty()) {
      return b;
    }
    return b.isEmpty() ? a : Optional.of(Math.max(a.get(), b.get()));
  }

  private String firstLine(Path file) {
    try (var lines = Files.lines(file)) {
      return lines.findFirst().orElseThrow(() -> sysInfo(file + " is empty"));
    } catch (IOException e) {
      throw sysInfo("cannot read " + file + ": " + e.getMessage());
    }
  }

  private long field(Map<String, Long> kib, String name) {
    Long value = kib.get(name);
    if (value == null) {
      throw sysInfo("field " + name + " missing from " + proc.resolve("meminfo"));
    }
    return value;
  }

  private static ObjectNode percent(double fraction) {
    return leaf(fraction * 100, 1, "%");
  }

  private static ObjectNode mebibytes(long kib) {
    return leaf(kib / 1024.0, 2, "MiB");
  }

  /** StartOS's metric leaf: the number as a fixed-point string plus its unit. */
  static ObjectNode leaf(double value, int decimals, String unit) {
    ObjectNode leaf = JSON.createObjectNode();
    leaf.put("value", String.format(Locale.ROOT, "%." + decimals + "f", value));
    leaf.put("unit", unit);
    return leaf;
  }

  private static RpcException sysInfo(String details) {
    return new RpcException(ErrorKind.PARSE_SYS_INFO, details);
  }

  /** The aggregate line of /proc/stat, in clock ticks. */
  record CpuTimes(
      long userTicks, long nice, long systemTicks, long idle, long iowait, long irq, long softirq) {
    static final CpuTimes ZERO = new CpuTimes(0, 0, 0, 0, 0, 0, 0);

    static CpuTimes parse(String line) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 8 || !f[0].equals("cpu")) {
        throw sysInfo("unexpected first line of /proc/stat: '" + line + "'");
      }
      try {
        return new CpuTimes(
            Long.parseLong(f[1]),
            Long.parseLong(f[2]),
            Long.parseLong(f[3]),
            Long.parseLong(f[4]),
            Long.parseLong(f[5]),
            Long.parseLong(f[6]),
            Long.parseLong(f[7]));
      } catch (NumberFormatException e) {
        throw sysInfo("non-numeric column in /proc/stat: '" + line + "'");
      }
    }

    long total() {
      return userTicks + nice + systemTicks + idle + iowait + irq + softirq;
    }

    long user() {
      return userTicks + nice;
    }

    long system() {
      return systemTicks + irq + softirq;
    }

    long used() {
      return user() + system();
    }
  }
}
