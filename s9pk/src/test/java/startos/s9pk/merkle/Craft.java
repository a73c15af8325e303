package startos.s9pk.merkle;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Hand-made archives with arbitrary (also dishonest) tables of contents, properly signed. */
final class Craft {
  private Craft() {}

  /** Sighash over items in the given order (so duplicates and odd names can be signed). */
  static Hash sighash(List<Toc.Item> items) {
    List<Toc.Item> missing = new ArrayList<>();
    for (Toc.Item i : items) {
      missing.add(new Toc.Item(i.name(), i.hash(), i.size(), Toc.TYPE_MISSING, 0, 0));
    }
    missing.sort((a, b) -> Toc.NAME_ORDER.compare(a.name(), b.name()));
    return Hash.blake3(Toc.serialize(missing));
  }

  static byte[] header(
      DeveloperKey key, String context, Hash sighash, long maxsize, long tocPos, long tocSize) {
    MerkleArchiveCommitment c = new MerkleArchiveCommitment(sighash, maxsize);
    return ByteBuffer.allocate(Toc.HEADER_SIZE)
        .put(Toc.MAGIC_V2)
        .put(key.verifyingKey().bytes())
        .put(key.sign(c.message(), context))
        .put(sighash.bytes())
        .putLong(maxsize)
        .putLong(tocPos)
        .putLong(tocSize)
        .array();
  }

  /** Header + root TOC at 155 signed over {@code sighash} + trailing {@code body}. */
  static byte[] archive(byte[] rootToc, Hash sighash, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(
        header(VectorTest.key(), "s9pk", sighash, rootToc.length, Toc.HEADER_SIZE, rootToc.length));
    out.writeBytes(rootToc);
    out.writeBytes(body);
    return out.toByteArray();
  }

  /** Root listing {@code items} honestly signed; body appended after the TOC. */
  static byte[] archive(List<Toc.Item> items, byte[] body) {
    return archive(Toc.serialize(items), sighash(items), body);
  }

  static long bodyStart(List<Toc.Item> items) {
    return Toc.HEADER_SIZE + Toc.serialize(items).length;
  }

  static Toc.Item file(String name, byte[] content, long position) {
    return new Toc.Item(name, Hash.blake3(content), content.length, Toc.TYPE_FILE, position, 0);
  }
}
