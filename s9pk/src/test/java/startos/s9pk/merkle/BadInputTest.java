package startos.s9pk.merkle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bad archive ends in an S9pkException saying what is wrong. */
class BadInputTest {

  /** Opens and reads every file, as an install would. */
  static void openAndReadAll(byte[] bytes) {
    try (S9pkArchive a = S9pkArchive.open(ByteSource.of(bytes))) {
      for (String path : a.files().keySet()) {
        a.read(path);
      }
    }
  }

  static AbstractThrowableAssert<?, ? extends Throwable> rejects(byte[] bytes) {
    return assertThatThrownBy(() -> openAndReadAll(bytes)).isInstanceOf(S9pkException.class);
  }

  @Test
  void truncationAtEveryOffsetIsRejected() {
    byte[] v = VectorTest.vector();
    for (int len = 0; len < v.length; len++) {
      int l = len;
      assertThatThrownBy(() -> openAndReadAll(Arrays.copyOf(v, l)))
          .as("truncated to %d", len)
          .isInstanceOf(S9pkException.class);
    }
    rejects(Arrays.copyOf(v, 100)).hasMessageContaining("shorter than the 155-byte S9PK header");
    rejects(Arrays.copyOf(v, 300)).hasMessageContaining("points outside the 300-byte archive");
    rejects(Arrays.copyOf(v, 333))
        .hasMessageContaining("/dir/a.txt: section at 329 of 5 bytes")
        .hasMessageContaining("outside");
  }

  @Test
  void everySingleBitFlipIsRejected() {
    byte[] v = VectorTest.vector();
    for (int i = 0; i < v.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] m = v.clone();
        m[i] ^= (byte) (1 << bit);
        assertThatThrownBy(() -> openAndReadAll(m))
            .as("byte %d bit %d", i, bit)
            .isInstanceOf(S9pkException.class);
      }
    }
  }

  @Test
  void flippedBitsNameTheirPlace() {
    byte[] v = VectorTest.vector();
    byte[] magic = v.clone();
    magic[2] = 3;
    rejects(magic).hasMessageContaining("does not start with 3b 3b 02");
    byte[] sig = v.clone();
    sig[40] ^= 1;
    rejects(sig).hasMessageContaining("signature verification failed");
    byte[] name = v.clone();
    name[159] ^= 1; // 'd' of "dir" in the root TOC
    rejects(name).hasMessageContaining("table of contents of /").hasMessageContaining("hash sum");
    byte[] content = v.clone();
    content[330] ^= 1; // inside "hello"
    rejects(content).hasMessageContaining("dir/a.txt: hash sum mismatch");
    byte[] v1 = v.clone();
    v1[2] = 1;
    rejects(v1).hasMessageContaining("version 1 s9pk");
  }

  @Test
  void wrongKeyOrContextIsRejected() {
    byte[] v = VectorTest.vector();
    byte[] otherKey = v.clone();
    System.arraycopy(RandomTrees.key(5).verifyingKey().bytes(), 0, otherKey, 3, 32);
    rejects(otherKey).hasMessageContaining("signature verification failed");
    byte[] header =
        Craft.header(VectorTest.key(), "test", Hash.ofHex(VectorTest.ROOT_SIGHASH), 115, 155, 115);
    byte[] wrongContext = v.clone();
    System.arraycopy(header, 0, wrongContext, 0, 155);
    rejects(wrongContext).hasMessageContaining("signature verification failed");
  }

  @Test
  void tocLargerThanSignedOrOverOneMebibyteIsRejected() {
    byte[] v = VectorTest.vector();
    byte[] bigger = v.clone();
    bigger[154] = 0x74; // root TOC size 116 > signed 115
    rejects(bigger).hasMessageContaining("size 116 is greater than signed 115");
    byte[] huge =
        Craft.header(VectorTest.key(), "s9pk", Hash.blake3(new byte[] {0}), (1 << 20) + 1, 155, 1);
    rejects(huge).hasMessageContaining("over the 1 MiB limit");
  }

  @Test
  void registryCommitmentReplacesTheDefaultBoundAndMustMatch() {
    byte[] v = VectorTest.vector();
    Hash root = Hash.ofHex(VectorTest.ROOT_SIGHASH);
    assertThat(S9pkArchive.open(ByteSource.of(v), new MerkleArchiveCommitment(root, 115)).list())
        .contains("foo");
    assertThatThrownBy(
            () -> S9pkArchive.open(ByteSource.of(v), new MerkleArchiveCommitment(root, 114)))
        .isInstanceOf(S9pkException.class)
        .hasMessageContaining("larger than the expected 114");
    assertThatThrownBy(() ->
            S9pkArchive.open(
                ByteSource.of(v), new MerkleArchiveCommitment(Hash.blake3(new byte[0]), 115)))
        .isInstanceOf(S9pkException.class)
        .hasMessageContaining("merkle root mismatch");
  }

  @Test
  void duplicateNamesAreRejected() {
    byte[] a = "abc".getBytes();
    List<Toc.Item> items = new ArrayList<>();
    items.add(Craft.file("a", a, 0));
    items.add(Craft.file("a", "xyz".getBytes(), 0));
    long start = Craft.bodyStart(items);
    items.set(0, Craft.file("a", a, start));
    items.set(1, Craft.file("a", "xyz".getBytes(), start + 3));
    rejects(Craft.archive(items, "abcxyz".getBytes())).hasMessageContaining("duplicate entry 'a'");
  }

  @Test
  void listingOrderIsLayoutNotNameOrderSoAnyOrderVerifies() {
    // the root of every real s9pk lists manifest.json before LICENSE.md; the sighash sorts names
    List<Toc.Item> items = new ArrayList<>();
    items.add(Craft.file("z", "z".getBytes(), 0));
    items.add(Craft.file("a", "a".getBytes(), 0));
    long start = Craft.bodyStart(items);
    items.set(0, Craft.file("z", "z".getBytes(), start));
    items.set(1, Craft.file("a", "a".getBytes(), start + 1));
    try (S9pkArchive ar = S9pkArchive.open(ByteSource.of(Craft.archive(items, "za".getBytes())))) {
      assertThat(ar.list()).containsExactly("z", "a");
      assertThat(ar.read("a")).isEqualTo("a".getBytes());
    }
  }

  @Test
  void dangerousNamesAreRejected() {
    for (String bad : List.of("a/b", ".", "..", "a\0b", "")) {
      List<Toc.Item> items = List.of(Craft.file(bad, "q".getBytes(), 155 + 44 + bad.length()));
      byte[] archive = Craft.archive(items, "q".getBytes());
      rejects(archive).as("name %s", bad).hasMessageContaining("table of contents of /: entry");
    }
  }

  @Test
  void varintsOverTenBytesAreRejected() {
    byte[] toc = new byte[11];
    Arrays.fill(toc, (byte) 0x80);
    rejects(Craft.archive(toc, Hash.blake3(toc), new byte[0]))
        .hasMessageContaining("unterminated varint");
    byte[] wide = {
      (byte) 0xff,
      (byte) 0xff,
      (byte) 0xff,
      (byte) 0xff,
      (byte) 0xff,
      (byte) 0xff,
      (byte) 0xff,
      (byte) 0xff,
      (byte) 0xff,
      0x02
    };
    rejects(Craft.archive(wide, Hash.blake3(wide), new byte[0]))
        .hasMessageContaining("does not fit in 64 bits");
  }

  @Test
  void entriesOutsideTheFileOrOverlappingAreRejected() {
    byte[] c = "abc".getBytes();
    List<Toc.Item> outside = List.of(Craft.file("a", c, 1_000_000));
    rejects(Craft.archive(outside, c)).hasMessageContaining("points outside");
    List<Toc.Item> huge = List.of(Craft.file("a", c, -5));
    rejects(Craft.archive(huge, c)).hasMessageContaining("points outside");
    List<Toc.Item> intoHeader = List.of(Craft.file("a", c, 10));
    rejects(Craft.archive(intoHeader, c)).hasMessageContaining("/a overlaps header");
    List<Toc.Item> twice = new ArrayList<>(List.of(Craft.file("a", c, 0), Craft.file("b", c, 0)));
    long start = Craft.bodyStart(twice);
    twice.set(0, Craft.file("a", c, start));
    twice.set(1, Craft.file("b", c, start));
    rejects(Craft.archive(twice, c)).hasMessageContaining("/b overlaps /a");
  }

  @Test
  void deepNestingIsRejected() {
    rejects(nested(200)).hasMessageContaining("nested deeper than 128 levels");
    openAndReadAll(nested(100));
  }

  /** {@code depth} directories each holding the next, the innermost holding one file. */
  static byte[] nested(int depth) {
    // tables from the innermost outwards, laid out innermost-last after the root
    List<byte[]> tocs = new ArrayList<>();
    byte[] content = "x".getBytes();
    // compute sizes first: every non-innermost TOC is 1 + (2 + 57) bytes
    int dirToc = 1 + 2 + 57;
    int fileToc = 1 + 2 + 49;
    long pos = Toc.HEADER_SIZE;
    long[] positions = new long[depth + 1];
    for (int i = 0; i < depth; i++) {
      positions[i] = pos;
      pos += dirToc;
    }
    positions[depth] = pos;
    pos += fileToc;
    long filePos = pos;
    List<Toc.Item> inner = List.of(Craft.file("f", content, filePos));
    byte[] toc = Toc.serialize(inner);
    Hash hash = Craft.sighash(inner);
    tocs.add(toc);
    for (int i = depth - 1; i >= 0; i--) {
      List<Toc.Item> level =
          List.of(
              new Toc.Item(
                  "d", hash, toc.length, Toc.TYPE_DIRECTORY, positions[i + 1], toc.length));
      toc = Toc.serialize(level);
      hash = Craft.sighash(level);
      tocs.add(0, toc);
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (int i = 1; i < tocs.size(); i++) {
      body.writeBytes(tocs.get(i));
    }
    body.writeBytes(content);
    return Craft.archive(tocs.get(0), hash, body.toByteArray());
  }

  @Test
  void sharedTablesOfContentsCannotExpandExponentially() {
    // 50 directory entries all pointing at one table that itself has 50 such entries...
    byte[] leaf = Toc.serialize(List.of());
    Hash leafHash = Craft.sighash(List.of());
    List<Toc.Item> level = new ArrayList<>();
    long leafPos = 0; // patched below
    for (int i = 0; i < 50; i++) {
      level.add(
          new Toc.Item("d" + i, leafHash, leaf.length, Toc.TYPE_DIRECTORY, leafPos, leaf.length));
    }
    long at = Craft.bodyStart(level);
    for (int i = 0; i < 50; i++) {
      level.set(
          i, new Toc.Item("d" + i, leafHash, leaf.length, Toc.TYPE_DIRECTORY, at, leaf.length));
    }
    rejects(Craft.archive(level, leaf)).hasMessageContaining("overlaps");
  }

  @Test
  void aFailedWriteLeavesNothingBehind(@TempDir Path dir) throws Exception {
    Path src = dir.resolve("src.bin");
    Files.write(src, new byte[1000]);
    S9pkBuilder b = S9pkBuilder.create().add("a", src);
    Files.delete(src);
    Path out = dir.resolve("out.s9pk");
    assertThatThrownBy(() -> b.write(out, VectorTest.key()))
        .isInstanceOf(S9pkException.class)
        .hasMessageContaining("src.bin");
    assertThat(dir.toFile().list()).isEmpty();
  }

  @Test
  void addingBadPathsIsRejected() {
    S9pkBuilder b = S9pkBuilder.create().add("a/b", new byte[1]);
    assertThatThrownBy(() -> b.add("a/b/c", new byte[1])).hasMessageContaining("a/b is a file");
    assertThatThrownBy(() -> b.add("a", new byte[1])).hasMessageContaining("it is a directory");
    assertThatThrownBy(() -> b.add("x/../y", new byte[1])).hasMessageContaining("entry named '..'");
    assertThatThrownBy(() -> b.add("/", new byte[1])).hasMessageContaining("at the archive root");
  }
}
