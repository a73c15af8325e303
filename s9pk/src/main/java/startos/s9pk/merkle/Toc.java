package startos.s9pk.merkle;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Table-of-contents encoding shared by reader and writer, and the sighash over it. */
final class Toc {
  static final int HEADER_SIZE = 155;
  static final byte[] MAGIC_V2 = {0x3b, 0x3b, 0x02};
  static final byte[] MAGIC_V1 = {0x3b, 0x3b, 0x01};
  static final String CONTEXT = "s9pk";
  static final int TYPE_MISSING = 0;
  static final int TYPE_FILE = 1;
  static final int TYPE_DIRECTORY = 2;

  /** Names compare as UTF-8 bytes, the order of the sighash. */
  static final Comparator<String> NAME_ORDER =
      (a, b) ->
          Arrays.compareUnsigned(
              a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

  private Toc() {}

  /** One entry as it will be or was serialized. */
  record Item(String name, Hash hash, long size, int type, long position, long tocSize) {}

  static int entrySize(String name, int type) {
    int tail =
        switch (type) {
          case TYPE_FILE -> 9;
          case TYPE_DIRECTORY -> 17;
          default -> 1;
        };
    return Varint.stringSize(name) + 32 + 8 + tail;
  }

  static byte[] serialize(List<Item> items) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Varint.write(items.size(), out);
    ByteBuffer buf = ByteBuffer.allocate(25);
    for (Item item : items) {
      Varint.writeString(item.name(), out);
      out.writeBytes(item.hash().bytes());
      buf.clear();
      buf.putLong(item.size()).put((byte) item.type());
      if (item.type() == TYPE_FILE) {
        buf.putLong(item.position());
      } else if (item.type() == TYPE_DIRECTORY) {
        buf.putLong(item.position()).putLong(item.tocSize());
      }
      out.write(buf.array(), 0, buf.position());
    }
    return out.toByteArray();
  }

  /** BLAKE3 of the listing with every entry turned MISSING, names in byte order. */
  static Hash sighash(Map<String, ? extends ArchiveEntry> entries) {
    List<String> names = new ArrayList<>(entries.keySet());
    names.sort(NAME_ORDER);
    List<Item> items = new ArrayList<>(names.size());
    for (String name : names) {
      ArchiveEntry e = entries.get(name);
      items.add(new Item(name, e.hash(), e.size(), TYPE_MISSING, 0, 0));
    }
    return Hash.blake3(serialize(items));
  }

  /** Rejects names that could escape or confuse a path: empty, ".", "..", "/" or NUL inside. */
  static void checkName(String name, String where) {
    if (name.isEmpty()) {
      throw new S9pkException(where + ": entry with an empty name");
    }
    if (name.equals(".") || name.equals("..")) {
      throw new S9pkException(where + ": entry named '" + name + "'");
    }
    if (name.indexOf('/') >= 0) {
      throw new S9pkException(where + ": entry name '" + name + "' contains '/'");
    }
    if (name.indexOf('\0') >= 0) {
      throw new S9pkException(where + ": entry name contains a NUL byte");
    }
  }
}
