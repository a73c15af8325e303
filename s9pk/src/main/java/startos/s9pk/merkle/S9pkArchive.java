package startos.s9pk.merkle;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A verified S9PK v2 archive. Opening checks the signature and every table of contents (the merkle
 * tree down to file hashes); file bytes are checked when read. Safe for concurrent reads when the
 * {@link ByteSource} is.
 */
public final class S9pkArchive implements AutoCloseable {
  /** Without a registry commitment the root table of contents may not exceed this. */
  public static final long DEFAULT_MAX_ROOT_TOC = 1024 * 1024;

  /** The Ed25519ph context of every S9PK signature, version 1 and 2. */
  public static final String SIGNATURE_CONTEXT = Toc.CONTEXT;

  private final ByteSource source;
  private final boolean ownsSource;
  private final VerifyingKey signer;
  private final byte[] signature;
  private final MerkleArchiveCommitment commitment;
  private final ArchiveEntry.Directory root;

  private S9pkArchive(
      ByteSource source,
      boolean ownsSource,
      VerifyingKey signer,
      byte[] signature,
      MerkleArchiveCommitment commitment,
      ArchiveEntry.Directory root) {
    this.source = source;
    this.ownsSource = ownsSource;
    this.signer = signer;
    this.signature = signature;
    this.commitment = commitment;
    this.root = root;
  }

  /** Opens and verifies a file; close the archive to release it. */
  public static S9pkArchive open(Path file) {
    ByteSource source = ByteSource.open(file);
    try {
      return read(source, true, Optional.empty());
    } catch (RuntimeException e) {
      source.close();
      throw e;
    }
  }

  /** Verifies an archive in any random-access source (the caller keeps ownership of it). */
  public static S9pkArchive open(ByteSource source) {
    return read(source, false, Optional.empty());
  }

  /** Verifies against a registry's commitment instead of the 1 MiB default bound. */
  public static S9pkArchive open(ByteSource source, MerkleArchiveCommitment expected) {
    return read(source, false, Optional.of(expected));
  }

  private static S9pkArchive read(
      ByteSource source, boolean owns, Optional<MerkleArchiveCommitment> expected) {
    try {
      if (source.size() < Toc.HEADER_SIZE) {
        throw new S9pkException(
            "archive is "
                + source.size()
                + " bytes, shorter than the "
                + Toc.HEADER_SIZE
                + "-byte S9PK header");
      }
      ByteBuffer header = ByteBuffer.wrap(source.readFully(0, Toc.HEADER_SIZE, "header"));
      byte[] magic = new byte[3];
      header.get(magic);
      if (Arrays.equals(magic, Toc.MAGIC_V1)) {
        throw new S9pkException(
            "this is a version 1 s9pk; convert it to version 2 first (S9pkV1 + V1Conversion)");
      }
      if (!Arrays.equals(magic, Toc.MAGIC_V2)) {
        throw new S9pkException("not an s9pk: the file does not start with 3b 3b 02");
      }
      byte[] pubkey = new byte[32];
      byte[] signature = new byte[64];
      byte[] sighash = new byte[32];
      header.get(pubkey).get(signature).get(sighash);
      long maxsize = header.getLong();
      long tocPosition = header.getLong();
      long tocSize = header.getLong();
      VerifyingKey signer = VerifyingKey.of(pubkey);
      MerkleArchiveCommitment commitment =
          new MerkleArchiveCommitment(Hash.of(sighash), maxsizeOrReject(maxsize));
      if (!signer.verify(commitment.message(), signature, Toc.CONTEXT)) {
        throw new S9pkException(
            "signature verification failed: the header's signature does not match its key "
                + signer.hex()
                + " and merkle root");
      }
      if (expected.isPresent()) {
        if (!expected.get().rootSighash().equals(commitment.rootSighash())) {
          throw new S9pkException(
              "merkle root mismatch: archive has "
                  + commitment.rootSighash().base64()
                  + ", expected "
                  + expected.get().rootSighash().base64());
        }
        if (maxsize > expected.get().rootMaxsize()) {
          throw new S9pkException(
              "root directory max size "
                  + maxsize
                  + " is larger than the expected "
                  + expected.get().rootMaxsize());
        }
      } else if (maxsize > DEFAULT_MAX_ROOT_TOC) {
        throw new S9pkException(
            "root table of contents may be "
                + maxsize
                + " bytes, over the 1 MiB limit; refusing in case of a denial-of-service attack");
      }
      TocReader reader = new TocReader(source);
      ArchiveEntry.Directory root =
          reader.directory("/", commitment.rootSighash(), maxsize, tocPosition, tocSize, 0);
      return new S9pkArchive(source, owns, signer, signature, commitment, root);
    } catch (UncheckedIOException e) {
      throw new S9pkException("cannot read archive: " + e.getMessage(), e);
    }
  }

  private static long maxsizeOrReject(long maxsize) {
    if (maxsize < 0) {
      throw new S9pkException("root max size " + Long.toUnsignedString(maxsize) + " is too large");
    }
    return maxsize;
  }

  public VerifyingKey signer() {
    return signer;
  }

  public byte[] signature() {
    return signature.clone();
  }

  public MerkleArchiveCommitment commitment() {
    return commitment;
  }

  public ArchiveEntry.Directory root() {
    return root;
  }

  public ByteSource source() {
    return source;
  }

  /** The entry at a slash-separated path such as {@code images/x86_64/main.squashfs}. */
  public Optional<ArchiveEntry> entry(String path) {
    ArchiveEntry current = root;
    for (String segment : path.split("/")) {
      if (segment.isEmpty()) {
        continue;
      }
      if (!(current instanceof ArchiveEntry.Directory dir)) {
        return Optional.empty();
      }
      current = dir.entries().get(segment);
      if (current == null) {
        return Optional.empty();
      }
    }
    return Optional.of(current);
  }

  /** Every path in table-of-contents order; directories end in {@code /}. */
  public List<String> list() {
    List<String> out = new ArrayList<>();
    listInto(root, "", out);
    return out;
  }

  private static void listInto(ArchiveEntry.Directory dir, String prefix, List<String> out) {
    for (Map.Entry<String, ArchiveEntry> e : dir.entries().entrySet()) {
      String path = prefix + e.getKey();
      if (e.getValue() instanceof ArchiveEntry.Directory sub) {
        out.add(path + "/");
        listInto(sub, path + "/", out);
      } else {
        out.add(path);
      }
    }
  }

  /** Paths of present files with their entries, depth first in table-of-contents order. */
  public Map<String, ArchiveEntry.File> files() {
    Map<String, ArchiveEntry.File> out = new LinkedHashMap<>();
    filesInto(root, "", out);
    return out;
  }

  private static void filesInto(
      ArchiveEntry.Directory dir, String prefix, Map<String, ArchiveEntry.File> out) {
    for (Map.Entry<String, ArchiveEntry> e : dir.entries().entrySet()) {
      switch (e.getValue()) {
        case ArchiveEntry.File f -> out.put(prefix + e.getKey(), f);
        case ArchiveEntry.Directory d -> filesInto(d, prefix + e.getKey() + "/", out);
        case ArchiveEntry.Missing m -> {}
      }
    }
  }

  /**
   * Streams a file's bytes; the stream throws {@link S9pkException} at the end if the bytes do not
   * hash to the signed value.
   */
  public InputStream open(String path) {
    ArchiveEntry.File file = file(path);
    return new VerifiedInputStream(source, file, path);
  }

  /** A whole (small) file, verified before it is returned. */
  public byte[] read(String path) {
    ArchiveEntry.File file = file(path);
    if (file.size() > Integer.MAX_VALUE - 8) {
      throw new S9pkException(path + " is " + file.size() + " bytes, too large to read at once");
    }
    try (InputStream in = open(path)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new S9pkException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  private ArchiveEntry.File file(String path) {
    return switch (entry(path).orElseThrow(() -> new S9pkException(path + ": no such entry"))) {
      case ArchiveEntry.File f -> f;
      case ArchiveEntry.Directory d -> throw new S9pkException(path + " is a directory");
      case ArchiveEntry.Missing m -> throw new S9pkException(path + " is missing from archive");
    };
  }

  /** Hashes every present file with {@link Hasher#best()}; fails naming the first corrupt one. */
  public void verifyFiles() {
    verifyFiles(Hasher.best());
  }

  /** Hashes every present file with {@code hasher}; fails naming the first corrupt one. */
  public void verifyFiles(Hasher hasher) {
    for (Map.Entry<String, ArchiveEntry.File> e : files().entrySet()) {
      ArchiveEntry.File f = e.getValue();
      Hash actual = hasher.hash(source, f.position(), f.size());
      if (!actual.equals(f.hash())) {
        throw new S9pkException(e.getKey() + ": hash sum mismatch, the file is corrupt");
      }
    }
  }

  /**
   * Writes a copy in which every file not in {@code keep} is MISSING (directories stay where a kept
   * path lies below them); the signature and merkle root stay the original developer's.
   */
  public void writeKeepingOnly(java.util.Set<String> keep, Path out) {
    S9pkBuilder.from(this)
        .keepOnly(path ->
            path.endsWith("/")
                ? keep.stream().anyMatch(k -> k.startsWith(path))
                : keep.contains(path))
        .writePresigned(out, signer, signature, commitment);
  }

  @Override
  public void close() {
    if (ownsSource) {
      source.close();
    }
  }
}
