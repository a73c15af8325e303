package startos.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import startos.cli.CliException;

/** {@code package stats} and {@code package set-limits}: what a service uses and may use. */
final class PackageResourceCommands {
  private PackageResourceCommands() {}

  @Command(
      name = "stats",
      description = "Show CPU, memory, processes, network and block I/O of a service's container",
      mixinStandardHelpOptions = true)
  static final class Stats extends PackageCommands.OnePackage {
    @Override
    protected void run() {
      JsonNode r = remote("package.stats", idParams());
      out().result(r, () -> print(r));
    }

    private void print(JsonNode r) {
      JsonNode mem = r.path("memory");
      JsonNode lim = r.path("limits");
      out()
          .table(
              List.of("RESOURCE", "USED", "LIMIT"),
              List.of(
                  List.of(
                      "cpu",
                      String.format(
                          Locale.ROOT, "%.2f s", r.path("cpu").path("usageNanos").asLong() / 1e9),
                      cpuLimit(lim)),
                  List.of(
                      "memory",
                      bytes(mem.path("usageBytes").asLong()),
                      mem.path("limitBytes").isNull()
                          ? "none"
                          : bytes(mem.path("limitBytes").asLong())),
                  List.of(
                      "processes",
                      r.path("pids").path("current").asText(),
                      lim.path("maxPids").asLong() == 0 ? "none" : lim.path("maxPids").asText()),
                  List.of(
                      "network",
                      "rx "
                          + bytes(r.path("network").path("rxBytes").asLong())
                          + ", tx "
                          + bytes(r.path("network").path("txBytes").asLong()),
                      "-"),
                  List.of(
                      "block i/o",
                      "read "
                          + bytes(r.path("blockIo").path("readBytes").asLong())
                          + ", written "
                          + bytes(r.path("blockIo").path("writeBytes").asLong()),
                      "-")));
    }
  }

  @Command(
      name = "set-limits",
      description =
          "Set a service's resource limits (applied at once and at every start; 0 lifts a limit)",
      mixinStandardHelpOptions = true)
  static final class SetLimits extends PackageCommands.OnePackage {
    @Option(
        names = "--memory",
        paramLabel = "SIZE",
        description = "Memory limit: bytes or with K, M, G (e.g. 512M); 0 for none")
    Optional<String> memory = Optional.empty();

    @Option(names = "--pids", paramLabel = "N", description = "Most processes and threads")
    Optional<Integer> pids = Optional.empty();

    @Option(
        names = "--cpu-shares",
        paramLabel = "N",
        description = "Relative CPU weight against other services (default 1024)")
    Optional<Integer> cpuShares = Optional.empty();

    @Option(
        names = "--cpu-millis",
        paramLabel = "N",
        description = "CPU time per second in thousandths of a core (1000 = one core); 0 for none")
    Optional<Integer> cpuMillis = Optional.empty();

    @Option(names = "--reset", description = "Return to startd's defaults before applying the rest")
    boolean reset;

    @Override
    protected void run() {
      ObjectNode params = idParams();
      memory.ifPresent(m -> params.put("memoryBytes", parseSize(m)));
      pids.ifPresent(n -> params.put("maxPids", n));
      cpuShares.ifPresent(n -> params.put("cpuShares", n));
      cpuMillis.ifPresent(n -> params.put("cpuMillis", n));
      if (reset) {
        params.put("reset", true);
      }
      JsonNode r = remote("package.set-limits", params);
      out()
          .result(
              r,
              () ->
                  out()
                      .line(
                          "limits of "
                              + id
                              + ": memory "
                              + (r.path("memoryBytes").asLong() == 0
                                  ? "none"
                                  : bytes(r.path("memoryBytes").asLong()))
                              + ", processes "
                              + (r.path("maxPids").asLong() == 0
                                  ? "none"
                                  : r.path("maxPids").asText())
                              + ", cpu shares "
                              + r.path("cpuShares").asText()
                              + ", cpu "
                              + cpuLimit(r)));
    }
  }

  static long parseSize(String text) {
    String t = text.strip().toUpperCase(Locale.ROOT).replaceAll("I?B$", "");
    long unit = 1;
    if (!t.isEmpty() && "KMGT".indexOf(t.charAt(t.length() - 1)) >= 0) {
      unit = 1L << (10 * ("KMGT".indexOf(t.charAt(t.length() - 1)) + 1));
      t = t.substring(0, t.length() - 1);
    }
    try {
      long n = Long.parseLong(t);
      if (n < 0) {
        throw new NumberFormatException();
      }
      return Math.multiplyExact(n, unit);
    } catch (NumberFormatException | ArithmeticException e) {
      throw CliException.usage(
          "--memory " + text + ": not a size (a number of bytes, or with K, M or G, e.g. 512M)");
    }
  }

  private static String cpuLimit(JsonNode limits) {
    long millis = limits.path("cpuMillis").asLong();
    return millis == 0 ? "none" : String.format(Locale.ROOT, "%.2f cores", millis / 1000.0);
  }

  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int i = -1;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
  }
}
