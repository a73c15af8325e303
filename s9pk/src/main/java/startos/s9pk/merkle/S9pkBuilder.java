package startos.s9pk.merkle;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Builds an S9PK v2 archive: add files (from bytes, files or other archives), then write it signed.
 * The layout is deterministic (same tree and key give the same bytes): root table of contents after
 * the header, then tables and file bytes breadth first, directories before files before missing
 * entries, and at the root the StartOS priority order ({@code manifest.json}, icon, {@code
 * LICENSE.md}, ...). Not thread-safe.
 */
public final class S9pkBuilder {
  /** Called while writing with bytes of file content written so far; may come from any thread. */
  @FunctionalInterface
  public interface Progress {
    void update(long done, long total);

    Progress NONE = (done, total) -> {};
  }

  private sealed interface Node permits FileNode, DirNode, MissingNode {}

  private record FileNode(ByteSource content, Optional<Hash> expected) implements Node {}

  /**
   * A directory; {@code signedSize} is the table-of-contents size signed in the archive it was
   * copied from (-1 once modified), kept so that filtering leaves the merkle root unchanged.
   */
  private static final class DirNode implements Node {
    final TreeMap<String, Node> children = new TreeMap<>(Toc.NAME_ORDER);
    long signedSize = -1;

    Map<String, Node> children() {
      return children;
    }

    /** The size field of this directory's entry: signed bound, or the actual size. */
    long entrySize() {
      return signedSize >= 0 ? signedSize : tocSize(this);
    }
  }

  private record MissingNode(Hash hash, long size) implements Node {}

  private final DirNode root = new DirNode();
  private boolean priorityOrder = true;
  private int threads = Runtime.getRuntime().availableProcessors();
  private boolean accelerate = true;

  private S9pkBuilder() {}

  public static S9pkBuilder create() {
    return new S9pkBuilder();
  }

  /**
   * Starts from an existing archive: its files are copied from it (and re-verified while copying),
   * its missing entries stay missing. The archive must stay open until written.
   */
  public static S9pkBuilder from(S9pkArchive archive) {
    S9pkBuilder builder = create();
    copy(archive.root(), builder.root, archive.source());
    return builder;
  }

  private static void copy(ArchiveEntry.Directory from, DirNode to, ByteSource source) {
    for (Map.Entry<String, ArchiveEntry> e : from.entries().entrySet()) {
      Node node =
          switch (e.getValue()) {
            case ArchiveEntry.File f ->
                new FileNode(source.slice(f.position(), f.size()), Optional.of(f.hash()));
            case ArchiveEntry.Directory d -> {
              DirNode dir = new DirNode();
              dir.signedSize = d.size();
              copy(d, dir, source);
              yield dir;
            }
            case ArchiveEntry.Missing m -> new MissingNode(m.hash(), m.size());
          };
      to.children().put(e.getKey(), node);
    }
  }

  /** Plain name order at the root too, as for a generic merkle archive. */
  public S9pkBuilder priorityOrder(boolean enabled) {
    this.priorityOrder = enabled;
    return this;
  }

  /**
   * Whether big files added by path may be hashed by {@code b3sum} (when installed) while being
   * copied; the Java hash is used otherwise. On by default.
   */
  public S9pkBuilder accelerate(boolean enabled) {
    this.accelerate = enabled;
    return this;
  }

  /** Threads used to hash file content while copying it (default: all processors). */
  public S9pkBuilder threads(int threads) {
    if (threads < 1) {
      throw new S9pkException("need at least one hashing thread, got " + threads);
    }
    this.threads = threads;
    return this;
  }

  public S9pkBuilder add(String path, byte[] bytes) {
    return put(path, new FileNode(ByteSource.of(bytes), Optional.empty()));
  }

  /** Adds a file by reference: it is streamed when writing and must not change before that. */
  public S9pkBuilder add(String path, Path file) {
    if (!Files.isRegularFile(file)) {
      throw new S9pkException("cannot add " + file + ": not a regular file");
    }
    return put(path, new FileNode(new LazyFile(file), Optional.empty()));
  }

  /** Adds content from any source; the caller keeps it open until written. */
  public S9pkBuilder add(String path, ByteSource content) {
    return put(path, new FileNode(content, Optional.empty()));
  }

  /** A signed but absent entry (e.g. another architecture's image). */
  public S9pkBuilder addMissing(String path, Hash hash, long size) {
    return put(path, new MissingNode(hash, size));
  }

  /** Removes a file or directory; true when something was there. */
  public boolean remove(String path) {
    List<String> segments = segments(path);
    DirNode dir = root;
    List<DirNode> ancestors = new ArrayList<>();
    for (int i = 0; i < segments.size() - 1; i++) {
      if (!(dir.children().get(segments.get(i)) instanceof DirNode d)) {
        return false;
      }
      dir = d;
      ancestors.add(d);
    }
    boolean removed = dir.children().remove(segments.get(segments.size() - 1)) != null;
    if (removed) {
      ancestors.forEach(a -> a.signedSize = -1);
    }
    return removed;
  }

  /** Whether a present file or directory exists at {@code path}. */
  public boolean contains(String path) {
    Node node = root;
    for (String segment : segments(path)) {
      if (!(node instanceof DirNode d) || (node = d.children().get(segment)) == null) {
        return false;
      }
    }
    return !(node instanceof MissingNode);
  }

  /**
   * Turns every file not accepted by {@code keep} into a MISSING entry (directories: when nothing
   * inside is kept), which leaves the merkle root unchanged. Only for entries whose hash is already
   * known, i.e. copied from an archive.
   */
  public S9pkBuilder keepOnly(Predicate<String> keep) {
    filter(root, "", keep);
    return this;
  }

  private static void filter(DirNode dir, String prefix, Predicate<String> keep) {
    for (Map.Entry<String, Node> e : dir.children().entrySet()) {
      String path = prefix + e.getKey();
      switch (e.getValue()) {
        case DirNode d -> {
          if (keep.test(path + "/")) {
            filter(d, path + "/", keep);
          } else {
            e.setValue(missing(d, path));
          }
        }
        case FileNode f -> {
          if (!keep.test(path)) {
            e.setValue(missing(f, path));
          }
        }
        case MissingNode m -> {}
      }
    }
  }

  private static MissingNode missing(Node node, String path) {
    return switch (node) {
      case FileNode f ->
          new MissingNode(
              f.expected()
                  .orElseThrow(() -> new S9pkException("cannot filter out unhashed file " + path)),
              f.content().size());
      case DirNode d -> {
        Map<String, ArchiveEntry> children = new TreeMap<>(Toc.NAME_ORDER);
        for (Map.Entry<String, Node> e : d.children().entrySet()) {
          MissingNode m = missing(e.getValue(), path + "/" + e.getKey());
          children.put(e.getKey(), new ArchiveEntry.Missing(m.hash(), m.size()));
        }
        yield new MissingNode(Toc.sighash(children), d.entrySize());
      }
      case MissingNode m -> m;
    };
  }

  private S9pkBuilder put(String path, Node node) {
    List<String> segments = segments(path);
    DirNode dir = root;
    for (int i = 0; i < segments.size() - 1; i++) {
      Node child = dir.children().computeIfAbsent(segments.get(i), k -> new DirNode());
      if (!(child instanceof DirNode d)) {
        throw new S9pkException(
            "cannot add "
                + path
                + ": "
                + String.join("/", segments.subList(0, i + 1))
                + " is a file");
      }
      dir = d;
    }
    String name = segments.get(segments.size() - 1);
    if (dir.children().get(name) instanceof DirNode) {
      throw new S9pkException("cannot add " + path + ": it is a directory");
    }
    dir.children().put(name, node);
    return this;
  }

  private static List<String> segments(String path) {
    List<String> out = new ArrayList<>();
    for (String s : path.split("/", -1)) {
      if (!s.isEmpty()) {
        Toc.checkName(s, "path " + path);
        out.add(s);
      }
    }
    if (out.isEmpty()) {
      throw new S9pkException("cannot add a file at the archive root");
    }
    return out;
  }

  /** Signs with {@code key} and writes atomically (a temp file then a rename). */
  public MerkleArchiveCommitment write(Path out, DeveloperKey key) {
    return write(out, key, Progress.NONE);
  }

  public MerkleArchiveCommitment write(Path out, DeveloperKey key, Progress progress) {
    return writeTo(out, new Signer.Fresh(key), progress);
  }

  /**
   * Writes with an existing signature, e.g. after {@link #keepOnly}; fails if the tree no longer
   * matches the signed merkle root.
   */
  public MerkleArchiveCommitment writePresigned(
      Path out, VerifyingKey key, byte[] signature, MerkleArchiveCommitment commitment) {
    return writeTo(out, new Signer.Presigned(key, signature.clone(), commitment), Progress.NONE);
  }

  /** The whole archive in memory (small archives, tests). */
  public byte[] toBytes(DeveloperKey key) {
    Layout layout = layout();
    if (layout.total() > Integer.MAX_VALUE - 8) {
      throw new S9pkException("archive of " + layout.total() + " bytes is too large for memory");
    }
    byte[] buffer = new byte[(int) layout.total()];
    emit(
        layout,
        new Signer.Fresh(key),
        (pos, data) -> System.arraycopy(data, 0, buffer, (int) pos, data.length),
        Progress.NONE);
    return buffer;
  }

  private sealed interface Signer {
    record Fresh(DeveloperKey key) implements Signer {}

    /** An existing developer signature, reused when only MISSING entries changed. */
    final class Presigned implements Signer {
      private final VerifyingKey key;
      private final byte[] signature;
      private final MerkleArchiveCommitment commitment;

      Presigned(VerifyingKey key, byte[] signature, MerkleArchiveCommitment commitment) {
        this.key = key;
        this.signature = signature.clone();
        this.commitment = commitment;
      }

      VerifyingKey key() {
        return key;
      }

      byte[] signature() {
        return signature.clone();
      }

      MerkleArchiveCommitment commitment() {
        return commitment;
      }
    }
  }

  @FunctionalInterface
  private interface Sink {
    void write(long position, byte[] data);
  }

  private MerkleArchiveCommitment writeTo(Path out, Signer signer, Progress progress) {
    Layout layout = layout();
    Path parent = out.toAbsolutePath().getParent();
    Path tmp;
    try {
      Files.createDirectories(parent);
      tmp = Files.createTempFile(parent, "." + out.getFileName(), ".partial");
    } catch (IOException e) {
      throw new S9pkException("cannot create " + out + ": " + e.getMessage(), e);
    }
    try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      MerkleArchiveCommitment commitment =
          emit(
              layout,
              signer,
              (pos, data) -> {
                try {
                  ByteBuffer buf = ByteBuffer.wrap(data);
                  while (buf.hasRemaining()) {
                    channel.write(buf, pos + buf.position());
                  }
                } catch (IOException e) {
                  throw new S9pkException("cannot write " + out + ": " + e.getMessage(), e);
                }
              },
              progress);
      channel.truncate(layout.total());
      channel.force(false);
      channel.close();
      Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return commitment;
    } catch (IOException e) {
      throw new S9pkException("cannot write " + out + ": " + e.getMessage(), e);
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException e) {
        // best effort: the partial file is hidden and named after the target
      }
    }
  }

  /** Positions of every present node, in emission (breadth-first) order. */
  private record Layout(
      IdentityHashMap<Node, Long> positions,
      List<Node> order,
      IdentityHashMap<DirNode, List<String>> listings,
      long total) {}

  private Layout layout() {
    IdentityHashMap<Node, Long> positions = new IdentityHashMap<>();
    IdentityHashMap<DirNode, List<String>> listings = new IdentityHashMap<>();
    List<Node> order = new ArrayList<>();
    long next = Toc.HEADER_SIZE;
    positions.put(root, next);
    next += tocSize(root);
    ArrayDeque<Node> emit = new ArrayDeque<>();
    emit.add(root);
    while (!emit.isEmpty()) {
      Node node = emit.poll();
      order.add(node);
      if (!(node instanceof DirNode dir)) {
        continue;
      }
      List<String> listing = listing(dir, dir == root && priorityOrder);
      listings.put(dir, listing);
      for (String name : listing) {
        Node child = dir.children().get(name);
        long size =
            switch (child) {
              case FileNode f -> f.content().size();
              case DirNode d -> tocSize(d);
              case MissingNode m -> -1;
            };
        if (size >= 0) {
          positions.put(child, next);
          next += size;
          emit.add(child);
        }
      }
    }
    return new Layout(positions, order, listings, next);
  }

  private static List<String> listing(DirNode dir, boolean atRoot) {
    List<String> names = new ArrayList<>(dir.children().keySet());
    names.sort(
        Comparator.<String>comparingInt(n -> group(dir.children().get(n)))
            .thenComparingInt(
                n -> atRoot && !(dir.children().get(n) instanceof MissingNode) ? priority(n) : 0)
            .thenComparing(Toc.NAME_ORDER));
    return names;
  }

  private static int group(Node node) {
    return switch (node) {
      case DirNode d -> 0;
      case FileNode f -> 1;
      case MissingNode m -> 2;
    };
  }

  /** StartOS puts what install needs first, for archives read while still downloading. */
  static int priority(String name) {
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    return switch (name) {
      case "manifest.json" -> 0;
      case "LICENSE.md" -> 2;
      case "instructions.md" -> 3;
      case "dependencies" -> 4;
      case "javascript.squashfs" -> 5;
      case "assets.squashfs" -> 6;
      case "images" -> 7;
      default -> stem.equals("icon") ? 1 : 8;
    };
  }

  private static long tocSize(DirNode dir) {
    long size = Varint.size(dir.children().size());
    for (Map.Entry<String, Node> e : dir.children().entrySet()) {
      int type =
          switch (e.getValue()) {
            case FileNode f -> Toc.TYPE_FILE;
            case DirNode d -> Toc.TYPE_DIRECTORY;
            case MissingNode m -> Toc.TYPE_MISSING;
          };
      size += Toc.entrySize(e.getKey(), type);
    }
    return size;
  }

  private MerkleArchiveCommitment emit(Layout layout, Signer signer, Sink sink, Progress progress) {
    long contentTotal = 0;
    for (Node node : layout.order()) {
      if (node instanceof FileNode f) {
        contentTotal += f.content().size();
      }
    }
    long total = contentTotal;
    long[] done = {0};
    IdentityHashMap<Node, Hash> hashes = new IdentityHashMap<>();
    for (Node node : layout.order()) {
      if (!(node instanceof FileNode f)) {
        continue;
      }
      long base = layout.positions().get(f);
      long size = f.content().size();
      Hash hash;
      if (accelerate
          && size >= ACCELERATE_FROM
          && f.content() instanceof LazyFile lazy
          && Hasher.B3sum.AVAILABLE) {
        hash = copyWithB3sum(lazy, base, sink, done, total, progress);
      } else {
        hash =
            Blake3.hash(
                f.content(),
                0,
                size,
                threads,
                (offset, data) -> {
                  sink.write(base + offset, data);
                  synchronized (done) {
                    done[0] += data.length;
                    progress.update(done[0], total);
                  }
                });
      }
      if (f.content() instanceof LazyFile lazy) {
        lazy.close();
      }
      if (f.expected().isPresent() && !f.expected().get().equals(hash)) {
        throw new S9pkException("source content changed: hash sum mismatch while copying");
      }
      hashes.put(f, hash);
    }
    Hash rootSighash = tables(root, layout, hashes, sink);
    long rootToc = tocSize(root);
    MerkleArchiveCommitment commitment;
    VerifyingKey pubkey;
    byte[] signature;
    switch (signer) {
      case Signer.Fresh fresh -> {
        commitment = new MerkleArchiveCommitment(rootSighash, rootToc);
        pubkey = fresh.key().verifyingKey();
        signature = fresh.key().sign(commitment.message(), Toc.CONTEXT);
      }
      case Signer.Presigned pre -> {
        commitment = pre.commitment();
        if (!commitment.rootSighash().equals(rootSighash) || rootToc > commitment.rootMaxsize()) {
          throw new S9pkException(
              "the contents no longer match the signed merkle root; sign with a developer key");
        }
        pubkey = pre.key();
        signature = pre.signature();
      }
    }
    ByteBuffer header = ByteBuffer.allocate(Toc.HEADER_SIZE);
    header.put(Toc.MAGIC_V2).put(pubkey.bytes()).put(signature).put(rootSighash.bytes());
    header.putLong(commitment.rootMaxsize()).putLong(Toc.HEADER_SIZE).putLong(rootToc);
    sink.write(0, header.array());
    return commitment;
  }

  private static final long ACCELERATE_FROM = 16L << 20;

  /** Copies a file while {@code b3sum} hashes it from disk in parallel. */
  private static Hash copyWithB3sum(
      LazyFile file, long base, Sink sink, long[] done, long total, Progress progress) {
    Process b3sum = Hasher.B3sum.start(file.path);
    try {
      ByteBuffer buffer = ByteBuffer.allocate(4 << 20);
      long copied = 0;
      while (copied < file.size) {
        buffer.clear().limit((int) Math.min(buffer.capacity(), file.size - copied));
        while (buffer.hasRemaining()) {
          if (file.read(copied + buffer.position(), buffer) < 0) {
            throw new S9pkException(file.path + " shrank while it was being packed");
          }
        }
        byte[] data =
            buffer.position() == buffer.capacity()
                ? buffer.array()
                : java.util.Arrays.copyOf(buffer.array(), buffer.position());
        sink.write(base + copied, data);
        copied += data.length;
        synchronized (done) {
          done[0] += data.length;
          progress.update(done[0], total);
        }
      }
    } catch (RuntimeException e) {
      b3sum.destroy();
      throw e;
    }
    return Hasher.B3sum.result(b3sum, file.path.toString());
  }

  /** Writes every table of contents below {@code dir} and returns its sighash. */
  private Hash tables(DirNode dir, Layout layout, IdentityHashMap<Node, Hash> hashes, Sink sink) {
    List<Toc.Item> items = new ArrayList<>();
    Map<String, ArchiveEntry> forSighash = new TreeMap<>(Toc.NAME_ORDER);
    for (String name : layout.listings().get(dir)) {
      Node child = dir.children().get(name);
      Toc.Item item =
          switch (child) {
            case FileNode f ->
                new Toc.Item(
                    name,
                    hashes.get(f),
                    f.content().size(),
                    Toc.TYPE_FILE,
                    layout.positions().get(f),
                    0);
            case DirNode d -> {
              Hash sighash = tables(d, layout, hashes, sink);
              long size = tocSize(d);
              if (size > d.entrySize()) {
                throw new S9pkException(name + ": table of contents outgrew its signed size");
              }
              yield new Toc.Item(
                  name,
                  sighash,
                  d.entrySize(),
                  Toc.TYPE_DIRECTORY,
                  layout.positions().get(d),
                  size);
            }
            case MissingNode m -> new Toc.Item(name, m.hash(), m.size(), Toc.TYPE_MISSING, 0, 0);
          };
      items.add(item);
      forSighash.put(name, new ArchiveEntry.Missing(item.hash(), item.size()));
    }
    sink.write(layout.positions().get(dir), Toc.serialize(items));
    return Toc.sighash(forSighash);
  }

  /** A file opened only while its bytes are copied. */
  private static final class LazyFile implements ByteSource {
    private final Path path;
    private final long size;
    private volatile ByteSource open;

    LazyFile(Path path) {
      this.path = path;
      try {
        this.size = Files.size(path);
      } catch (IOException e) {
        throw new S9pkException("cannot add " + path + ": " + e.getMessage(), e);
      }
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public int read(long position, ByteBuffer dst) {
      ByteSource source = open;
      if (source == null) {
        synchronized (this) {
          if (open == null) {
            open = ByteSource.open(path);
          }
          source = open;
        }
      }
      return source.read(position, dst);
    }

    @Override
    public synchronized void close() {
      if (open != null) {
        open.close();
        open = null;
      }
    }
  }
}
