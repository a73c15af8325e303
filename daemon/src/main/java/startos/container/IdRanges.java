package startos.container;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Gives each package its own range of {@value #SIZE} host uids and gids, so no two packages' roots
 * (or any of their users) are the same host user: a file one package owns is foreign to every
 * other. Ranges start at {@link #DEFAULT_BASE} (0x70000000, above systemd's container range
 * 0x80000-0x6fffffff and below 2^31, which some tools still read as signed) and never overlap a
 * range that {@code /etc/subuid} or {@code /etc/subgid} gives a real user; the allocation is kept
 * in a file so a package keeps its range across restarts. A released range is reused only after the
 * caller deleted every file of it (an uninstall that keeps volumes keeps the range).
 *
 * <p>Thread-safe.
 */
public final class IdRanges {
  /** ids per package: uid 0-65535 inside the container. */
  public static final int SIZE = 65_536;

  public static final long DEFAULT_BASE = 0x7000_0000L;

  /** 0x70000000 + 4096 * 65536 = 0x80000000: the pool ends below 2^31. */
  static final int SLOTS = 4096;

  private final Path file;
  private final long base;
  private final List<long[]> foreign;
  private final boolean reserved;
  private final Map<String, Integer> slots = new TreeMap<>();

  /**
   * @param file where the allocation is kept
   * @param base first host id of the pool
   * @param reserved ranges ({@code [start, start+count)}) from {@code /etc/subuid}/{@code
   *     /etc/subgid} that belong to someone else
   */
  IdRanges(Path file, long base, List<long[]> reserved) {
    this(file, base, reserved, true);
  }

  private IdRanges(Path file, long base, List<long[]> others, boolean poolReserved) {
    if (base < 1 || base + (long) SLOTS * SIZE > 0xFFFF_FFFEL) {
      throw new ContainerException("id range base " + base + " leaves no room for the pool");
    }
    this.file = file;
    this.base = base;
    this.foreign = List.copyOf(others);
    this.reserved = poolReserved;
    load();
  }

  /**
   * The allocation kept in {@code file}, avoiding every range {@code /etc/subuid} and {@code
   * /etc/subgid} list except {@code ownReservation} (our own LXC reservation, e.g. root's
   * 100000:65536).
   */
  public static IdRanges open(Path file, long base, long ownReservation) {
    List<long[]> others = new ArrayList<>();
    boolean pool = true;
    for (Path sub : List.of(Path.of("/etc/subuid"), Path.of("/etc/subgid"))) {
      boolean found = false;
      for (long[] r : readSubIds(sub)) {
        if (r[0] == base && r[1] >= (long) SLOTS * SIZE) {
          found = true; // our own pool, as scripts/setup-host.sh reserves it for root
        } else if (r[0] != ownReservation) {
          others.add(r);
        }
      }
      pool &= found;
    }
    // LXC maps ids through newuidmap where it exists, which needs root to own the range there
    boolean needed = Files.isExecutable(Path.of("/usr/bin/newuidmap"));
    return new IdRanges(file, base, others, pool || !needed);
  }

  /** {@code name:start:count} lines; a missing file lists nothing. */
  static List<long[]> readSubIds(Path sub) {
    List<long[]> out = new ArrayList<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(sub, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return out;
    } catch (IOException e) {
      throw new ContainerException("cannot read " + sub + ": " + e.getMessage(), e);
    }
    for (String line : lines) {
      String[] f = line.strip().split(":");
      if (f.length == 3) {
        try {
          out.add(new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
        } catch (NumberFormatException e) {
          // not a range: nothing to avoid
        }
      }
    }
    return out;
  }

  /** The first host id of {@code id}'s range, allocating the lowest free one on first use. */
  public synchronized long allocate(String id) {
    if (!reserved) {
      throw new ContainerException(
          "cannot give package "
              + id
              + " its own id range: /etc/subuid and /etc/subgid must give root the pool "
              + base
              + ":"
              + (long) SLOTS * SIZE
              + " (add 'root:"
              + base
              + ":"
              + (long) SLOTS * SIZE
              + "' to both; scripts/setup-host.sh does)");
    }
    Integer known = slots.get(id);
    if (known != null) {
      return start(known);
    }
    Set<Integer> used = new HashSet<>(slots.values());
    for (int slot = 0; slot < SLOTS; slot++) {
      if (!used.contains(slot) && !overlapsForeign(start(slot))) {
        slots.put(id, slot);
        save();
        return start(slot);
      }
    }
    throw new ContainerException(
        "no free id range left for package " + id + " (" + SLOTS + " ranges in use)");
  }

  public synchronized Optional<Long> lookup(String id) {
    return Optional.ofNullable(slots.get(id)).map(this::start);
  }

  /** Frees {@code id}'s range: only once no file owned by it is left. */
  public synchronized void release(String id) {
    if (slots.remove(id) != null) {
      save();
    }
  }

  private long start(int slot) {
    return base + (long) slot * SIZE;
  }

  private boolean overlapsForeign(long start) {
    for (long[] r : foreign) {
      if (start < r[0] + r[1] && r[0] < start + SIZE) {
        return true;
      }
    }
    return false;
  }

  private void load() {
    PropertiesFile.read(file, "id ranges")
        .forEach((id, value) -> {
          try {
            long start = Long.parseLong(value);
            long offset = start - base;
            if (offset < 0 || offset % SIZE != 0 || offset / SIZE >= SLOTS) {
              throw new NumberFormatException();
            }
            slots.put(id, (int) (offset / SIZE));
          } catch (NumberFormatException e) {
            throw new ContainerException(
                "id range file "
                    + file
                    + " gives "
                    + id
                    + " the range start '"
                    + value
                    + "', which is not a range of the pool from "
                    + base,
                e);
          }
        });
  }

  private void save() {
    Map<String, String> entries = new TreeMap<>();
    slots.forEach((id, slot) -> entries.put(id, Long.toString(start(slot))));
    PropertiesFile.write(
        file, entries, "package id = first host uid/gid of its " + SIZE + " ids", "id ranges");
  }
}
