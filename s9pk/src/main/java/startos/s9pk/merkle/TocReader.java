package startos.s9pk.merkle;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Parses tables of contents recursively with the DoS limits: every table bounded by its signed
 * size, nesting depth and total table bytes capped, sections inside the file and disjoint.
 */
final class TocReader {
  static final int MAX_DEPTH = 128;
  static final long MAX_TOTAL_TOC = 64L * 1024 * 1024;

  private record Section(long position, long size, String what) {}

  private final ByteSource source;
  private final TreeMap<Long, Section> sections = new TreeMap<>();
  private long tocBytes;

  TocReader(ByteSource source) {
    this.source = source;
    sections.put(0L, new Section(0, Toc.HEADER_SIZE, "header"));
  }

  ArchiveEntry.Directory directory(
      String path, Hash sighash, long maxSize, long position, long size, int depth) {
    String where = "table of contents of " + path;
    if (depth > MAX_DEPTH) {
      throw new S9pkException(path + ": directories nested deeper than " + MAX_DEPTH + " levels");
    }
    if (size < 0 || size > maxSize) {
      throw new S9pkException(
          where + ": size " + Long.toUnsignedString(size) + " is greater than signed " + maxSize);
    }
    checkBounds(position, size, where);
    tocBytes += size;
    if (tocBytes > MAX_TOTAL_TOC) {
      throw new S9pkException("tables of contents add up to more than 64 MiB");
    }
    claim(new Section(position, size, where));
    ByteBuffer toc = ByteBuffer.wrap(source.readFully(position, (int) size, where));
    long count = Varint.read(toc, where);
    // each entry needs at least 42 bytes, so a larger count cannot be honest
    if (count > toc.remaining() / 42) {
      throw new S9pkException(where + ": claims " + count + " entries in " + size + " bytes");
    }
    Map<String, Toc.Item> items = new LinkedHashMap<>();
    Map<String, ArchiveEntry> shallow = new LinkedHashMap<>();
    for (long i = 0; i < count; i++) {
      String name = Varint.readString(toc, where);
      Toc.checkName(name, where);
      Toc.Item item = item(toc, name, path + name, where);
      if (items.putIfAbsent(name, item) != null) {
        throw new S9pkException(where + ": duplicate entry '" + name + "'");
      }
      shallow.put(name, new ArchiveEntry.Missing(item.hash(), item.size()));
    }
    if (toc.hasRemaining()) {
      throw new S9pkException(where + ": " + toc.remaining() + " unexpected trailing bytes");
    }
    // check this level against its signed hash before following any pointer in it
    if (!Toc.sighash(shallow).equals(sighash)) {
      throw new S9pkException(where + ": hash sum does not match the signed sighash");
    }
    Map<String, ArchiveEntry> entries = new LinkedHashMap<>();
    for (Toc.Item item : items.values()) {
      String childPath = path + item.name();
      ArchiveEntry entry =
          switch (item.type()) {
            case Toc.TYPE_FILE -> {
              checkBounds(item.position(), item.size(), childPath);
              if (item.size() > 0) {
                claim(new Section(item.position(), item.size(), childPath));
              }
              yield new ArchiveEntry.File(item.hash(), item.size(), item.position());
            }
            case Toc.TYPE_DIRECTORY -> {
              if (item.size() < 0) {
                throw new S9pkException(childPath + ": directory size field is out of range");
              }
              yield directory(
                  childPath + "/",
                  item.hash(),
                  item.size(),
                  item.position(),
                  item.tocSize(),
                  depth + 1);
            }
            default -> new ArchiveEntry.Missing(item.hash(), item.size());
          };
      entries.put(item.name(), entry);
    }
    return new ArchiveEntry.Directory(sighash, size, position, entries);
  }

  private static Toc.Item item(ByteBuffer toc, String name, String path, String where) {
    if (toc.remaining() < 41) {
      throw new S9pkException(where + ": table of contents ends inside entry " + path);
    }
    byte[] hash = new byte[32];
    toc.get(hash);
    long size = toc.getLong();
    int type = toc.get() & 0xff;
    int need =
        switch (type) {
          case Toc.TYPE_MISSING -> 0;
          case Toc.TYPE_FILE -> 8;
          case Toc.TYPE_DIRECTORY -> 16;
          default ->
              throw new S9pkException(where + ": unknown entry type " + type + " for " + path);
        };
    if (toc.remaining() < need) {
      throw new S9pkException(where + ": table of contents ends inside entry " + path);
    }
    long position = need > 0 ? toc.getLong() : 0;
    long tocSize = need > 8 ? toc.getLong() : 0;
    return new Toc.Item(name, Hash.of(hash), size, type, position, tocSize);
  }

  private void checkBounds(long position, long size, String what) {
    long total = source.size();
    if (position < 0 || size < 0 || position > total || size > total - position) {
      throw new S9pkException(
          what
              + ": section at "
              + Long.toUnsignedString(position)
              + " of "
              + Long.toUnsignedString(size)
              + " bytes points outside the "
              + total
              + "-byte archive");
    }
  }

  /**
   * Rejects a section overlapping one seen before: an honest writer never shares bytes, and shared
   * tables of contents would let a small archive expand exponentially.
   */
  private void claim(Section section) {
    Map.Entry<Long, Section> before = sections.floorEntry(section.position());
    if (before != null
        && before.getValue().position() + before.getValue().size() > section.position()) {
      throw new S9pkException(section.what() + " overlaps " + before.getValue().what());
    }
    Map.Entry<Long, Section> after = sections.ceilingEntry(section.position());
    if (after != null && section.position() + section.size() > after.getKey()) {
      throw new S9pkException(section.what() + " overlaps " + after.getValue().what());
    }
    sections.put(section.position(), section);
  }
}
