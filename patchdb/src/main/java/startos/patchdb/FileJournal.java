package startos.patchdb;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The durable journal: {@code db.snapshot} holds one frame with the CBOR of {@code {id, value}},
 * replaced atomically; {@code db.log} holds frames with the CBOR of each later revision {@code {id,
 * patch}}. The log is extended with zeros ahead of the writes (and that size fsync'd) so that each
 * commit needs only a data fsync; a run of zeros or a damaged last record at its end is a torn
 * tail, anything else that does not parse is corruption and refuses to open.
 */
final class FileJournal implements Journal {
  static final String SNAPSHOT = "db.snapshot";
  static final String LOG = "db.log";
  static final String TEMP = "db.snapshot.tmp";
  static final String LOCK = "db.lock";
  private static final long PREALLOCATE = 1 << 20;
  static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());
  private static final System.Logger LOGGER = System.getLogger(FileJournal.class.getName());

  /** What {@link #open} found on disk. */
  record Opened(FileJournal journal, long id, ObjectNode root) {}

  private final Path dir;
  private final PatchDbOptions options;
  private final FileChannel lockChannel;
  private final FileChannel log;
  private long base;
  private long physicalEnd;
  private long allocated;
  private int revisionsInLog;
  private int compactAtRevisions;
  private long compactAtBytes;
  private volatile long writtenEnd;
  private volatile String broken;

  private FileJournal(
      Path dir, PatchDbOptions options, FileChannel lockChannel, FileChannel log, StoreScan scan)
      throws IOException {
    this.dir = dir;
    this.options = options;
    this.lockChannel = lockChannel;
    this.log = log;
    this.physicalEnd = scan.end;
    this.allocated = log.size();
    this.revisionsInLog = scan.revisions;
    this.compactAtRevisions = options.compactEveryRevisions();
    this.compactAtBytes = options.compactEveryBytes();
    this.writtenEnd = physicalEnd;
  }

  static Opened open(Path directory, PatchDbOptions options) {
    Path dir = directory.toAbsolutePath();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new PatchDbException("cannot create data directory " + dir + ": " + reason(e), e);
    }
    try {
      restrict(dir);
    } catch (IOException e) {
      throw new PatchDbException(
          "data directory " + dir + " is not writable: cannot make it private: " + reason(e), e);
    }
    FileChannel lockChannel = lock(dir);
    try {
      StoreScan scan = StoreScan.read(dir);
      probeWritable(dir);
      if (scan.fresh) {
        writeSnapshot(dir, 0, scan.root);
      }
      FileChannel log = openLog(dir, scan);
      try {
        return new Opened(
            new FileJournal(dir, options, lockChannel, log, scan), scan.id, scan.root);
      } catch (IOException e) {
        closeQuietly(log);
        throw new PatchDbException(
            "cannot read the size of " + dir.resolve(LOG) + ": " + reason(e), e);
      }
    } catch (RuntimeException e) {
      closeQuietly(lockChannel);
      throw e;
    }
  }

  /**
   * The store holds secrets (password hash, keys, sessions): its directory is 0700 and its files
   * 0600, also for a store an older version created with the umask's modes.
   */
  private static void restrict(Path dir) throws IOException {
    if (!Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class)) {
      return;
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    try (var files = Files.list(dir)) {
      for (Path file : files.toList()) {
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
          Files.setPosixFilePermissions(file, PRIVATE_FILE);
        }
      }
    }
  }

  private static final Set<PosixFilePermission> PRIVATE_FILE =
      PosixFilePermissions.fromString("rw-------");

  /** Opens a file, creating it 0600 when it does not exist. */
  private static FileChannel openPrivate(Path path, OpenOption... options) throws IOException {
    Set<OpenOption> set = Set.of(options);
    try {
      return FileChannel.open(path, set, PosixFilePermissions.asFileAttribute(PRIVATE_FILE));
    } catch (UnsupportedOperationException e) {
      return FileChannel.open(path, set);
    }
  }

  private static FileChannel lock(Path dir) {
    Path path = dir.resolve(LOCK);
    FileChannel channel;
    try {
      channel = openPrivate(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new PatchDbException(
          "data directory " + dir + " is not writable: cannot open " + path + ": " + reason(e), e);
    }
    try {
      FileLock lock = channel.tryLock();
      if (lock == null) {
        closeQuietly(channel);
        throw new PatchDbException(
            "the database in "
                + dir
                + " is already open in another process ("
                + path
                + " is locked)");
      }
      return channel;
    } catch (OverlappingFileLockException e) {
      closeQuietly(channel);
      throw new PatchDbException("the database in " + dir + " is already open in this process", e);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new PatchDbException("cannot lock " + path + ": " + reason(e), e);
    }
  }

  /** Compaction creates and renames files, so a directory that refuses that is refused up front. */
  private static void probeWritable(Path dir) {
    Path temp = dir.resolve(TEMP);
    try {
      Files.deleteIfExists(temp);
      openPrivate(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
      Files.delete(temp);
    } catch (IOException e) {
      throw new PatchDbException(
          "data directory " + dir + " is not writable: cannot create " + temp + ": " + reason(e),
          e);
    }
  }

  private static FileChannel openLog(Path dir, StoreScan scan) {
    Path path = dir.resolve(LOG);
    FileChannel log;
    try {
      log =
          openPrivate(
              path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new PatchDbException("cannot open " + path + " for writing: " + reason(e), e);
    }
    try {
      if (scan.truncate) {
        log.truncate(scan.end);
        log.force(true);
      }
      if (!scan.logExists) {
        fsyncDirectory(dir);
      }
      return log;
    } catch (IOException e) {
      closeQuietly(log);
      throw new PatchDbException("cannot repair " + path + ": " + reason(e), e);
    }
  }

  @Override
  public long append(Revision revision) {
    String failure = broken;
    if (failure != null) {
      throw new PatchDbException(failure);
    }
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("id", revision.id());
    node.set("patch", revision.patch());
    ByteBuffer record;
    try {
      record = Frames.frame(CBOR.writeValueAsBytes(node));
    } catch (IOException e) {
      throw new PatchDbException("cannot encode revision " + revision.id() + ": " + reason(e), e);
    }
    int size = record.remaining();
    try {
      preallocate(physicalEnd + size);
      long position = physicalEnd;
      while (record.hasRemaining()) {
        position += log.write(record, position);
      }
    } catch (IOException e) {
      broken =
          "the store in "
              + dir
              + " stopped accepting writes after an I/O error on "
              + LOG
              + ": "
              + reason(e)
              + "; reopen the database";
      throw new PatchDbException(
          "cannot append revision " + revision.id() + " to " + dir.resolve(LOG) + ": " + reason(e),
          e);
    }
    physicalEnd += size;
    revisionsInLog++;
    writtenEnd = base + physicalEnd;
    return writtenEnd;
  }

  /** Extends the log with fsync'd zeros so later commits never change its size. */
  private void preallocate(long needed) throws IOException {
    if (needed <= allocated) {
      return;
    }
    long target = Math.max(allocated + PREALLOCATE, needed);
    ByteBuffer zeros = ByteBuffer.allocate(64 << 10);
    long position = allocated;
    while (position < target) {
      zeros.clear().limit((int) Math.min(zeros.capacity(), target - position));
      while (zeros.hasRemaining()) {
        position += log.write(zeros, position);
      }
    }
    log.force(true);
    allocated = target;
  }

  @Override
  public long writtenEnd() {
    return writtenEnd;
  }

  @Override
  public void force() {
    try {
      log.force(false);
    } catch (IOException e) {
      broken =
          "the store in "
              + dir
              + " failed to fsync "
              + LOG
              + ": "
              + reason(e)
              + "; reopen the database";
      throw new PatchDbException("cannot fsync " + dir.resolve(LOG) + ": " + reason(e), e);
    }
  }

  @Override
  public boolean wantsCompaction() {
    return revisionsInLog >= compactAtRevisions || physicalEnd >= compactAtBytes;
  }

  @Override
  public void compact(long id, ObjectNode root) {
    try {
      writeSnapshot(dir, id, root);
    } catch (PatchDbException e) {
      // the log still holds everything; try again after another round of revisions
      compactAtRevisions = revisionsInLog + options.compactEveryRevisions();
      compactAtBytes = physicalEnd + options.compactEveryBytes();
      LOGGER.log(System.Logger.Level.WARNING, "compaction postponed: " + e.getMessage(), e);
      return;
    }
    try {
      log.truncate(0);
      log.force(true);
    } catch (IOException e) {
      // harmless: the records left in the log are all covered by the new snapshot
      compactAtRevisions = revisionsInLog + options.compactEveryRevisions();
      compactAtBytes = physicalEnd + options.compactEveryBytes();
      LOGGER.log(
          System.Logger.Level.WARNING, "cannot empty " + dir.resolve(LOG) + ": " + reason(e), e);
      return;
    }
    base += physicalEnd;
    physicalEnd = 0;
    allocated = 0;
    revisionsInLog = 0;
    compactAtRevisions = options.compactEveryRevisions();
    compactAtBytes = options.compactEveryBytes();
  }

  /** Write temp, fsync, atomic rename over the snapshot, fsync the directory. */
  private static void writeSnapshot(Path dir, long id, ObjectNode root) {
    Path temp = dir.resolve(TEMP);
    Path snapshot = dir.resolve(SNAPSHOT);
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("id", id);
    node.set("value", root);
    try {
      ByteBuffer frame = Frames.frame(CBOR.writeValueAsBytes(node));
      try (FileChannel out =
          openPrivate(
              temp,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        while (frame.hasRemaining()) {
          out.write(frame);
        }
        out.force(true);
      }
      Files.move(
          temp, snapshot, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      fsyncDirectory(dir);
    } catch (IOException e) {
      throw new PatchDbException("cannot write snapshot " + snapshot + ": " + reason(e), e);
    }
  }

  private static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  @Override
  public void close() {
    closeQuietly(log);
    closeQuietly(lockChannel);
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      LOGGER.log(System.Logger.Level.DEBUG, "ignoring a failure to close a file", e);
    }
  }

  static String reason(IOException e) {
    if (e instanceof FileSystemException fs && fs.getReason() != null) {
      return fs.getReason();
    }
    if (e instanceof FileSystemException) {
      return e.getClass()
          .getSimpleName()
          .replace("Exception", "")
          .replaceAll("([a-z])([A-Z])", "$1 $2")
          .toLowerCase(java.util.Locale.ROOT);
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
